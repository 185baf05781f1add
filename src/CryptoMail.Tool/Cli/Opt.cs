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

    public static string[] All(this ParseResult parse, Option<string[]> option) => parse.GetValue(option) ?? [];

    public static string[] All(this ParseResult parse, Argument<string[]> argument) => parse.GetValue(argument) ?? [];
}
