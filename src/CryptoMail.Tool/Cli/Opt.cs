using System.CommandLine;

namespace CryptoMail.Tool;

/// <summary>Small factories so every command spells its options the same way (<c>--name=value</c> works for all).</summary>
internal static class Opt
{
    /// <summary>A flag that takes no value (so <c>--no-armor CERT</c> never swallows <c>CERT</c>).</summary>
    public static Option<bool> Flag(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>An option given at most once, with one value.</summary>
    public static Option<string> Value(string name, string description, string? helpName = null) =>
        new(name) { Description = description, HelpName = helpName };

    /// <summary>An option that may be repeated, one value per occurrence.</summary>
    public static Option<string[]> Repeated(string name, string description, string? helpName = null) =>
        new(name) { Description = description, HelpName = helpName, AllowMultipleArgumentsPerToken = false };

    /// <summary>Zero or more trailing arguments.</summary>
    public static Argument<string[]> Rest(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.ZeroOrMore };

    /// <summary><c>--policy default|strict|legacy</c>: which algorithms, sizes and ages are accepted.</summary>
    public static Option<string> Policy()
    {
        var option = Value("--policy", "The policy keys and messages are judged by: default, strict or legacy.", "default|strict|legacy");
        option.AcceptOnlyFromAmong("default", "strict", "legacy");
        return option;
    }

    /// <summary>The preset a <see cref="OpenPgpPolicy"/> option names; the default policy when it was not given.</summary>
    public static CryptoMail.Core.OpenPgpPolicy PolicyOf(this ParseResult parse, Option<string> option) => parse.GetValue(option) switch
    {
        "strict" => CryptoMail.Core.OpenPgpPolicy.Strict,
        "legacy" => CryptoMail.Core.OpenPgpPolicy.Legacy,
        _ => CryptoMail.Core.OpenPgpPolicy.Default,
    };

    public static string[] All(this ParseResult parse, Option<string[]> option) => parse.GetValue(option) ?? [];

    public static string[] All(this ParseResult parse, Argument<string[]> argument) => parse.GetValue(argument) ?? [];
}
