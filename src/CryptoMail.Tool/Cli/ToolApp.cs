using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using CryptoMail.Core;

namespace CryptoMail.Tool;

/// <summary>Builds the command tree (<c>sop</c>, <c>mime</c>, <c>key</c>), parses, maps parse errors to exit codes
/// and runs the chosen command.</summary>
internal sealed class ToolApp
{
    private readonly ToolContext context;
    private readonly RootCommand root;
    private readonly Command sop;

    public ToolApp(ToolContext context)
    {
        this.context = context;
        root = new RootCommand("cryptomail: OpenPGP and PGP/MIME on the command line (CryptoMail.Core).");
        sop = new SopCommands(context).Build();
        root.Subcommands.Add(sop);
        root.Subcommands.Add(new MimeCommands(context).Build());
        root.Subcommands.Add(new KeyCommands(context).Build());
    }

    public int Run(string[] args)
    {
        var configuration = new ParserConfiguration
        {
            // SOP arguments such as "@ENV:PW" and "@FD:3" are special designators, never response files.
            ResponseFileTokenReplacer = null,
            EnablePosixBundling = false,
        };
        var parse = root.Parse(args, configuration);
        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
        };
        if (parse.Errors.Count == 0 && StrayOption(parse) is { } stray)
        {
            context.Error.WriteLine($"cryptomail: unsupported option '{stray}' (use -- before arguments that start with '-').");
            return SopExit.UnsupportedOption;
        }
        if (parse.Action is HelpAction || parse.Errors.Count == 0)
        {
            if (parse.Action is not HelpAction && parse.CommandResult.Command.Action is null)
            {
                return MissingSubcommand(parse, invocation);
            }
            int code = parse.Invoke(invocation);
            context.Out.Flush();
            return code;
        }
        return ReportParseErrors(parse, invocation);
    }

    private int MissingSubcommand(ParseResult parse, InvocationConfiguration invocation)
    {
        var command = parse.CommandResult.Command;
        context.Error.WriteLine($"cryptomail: '{CommandPath(parse.CommandResult)}' needs a subcommand; see --help.");
        return command == sop ? SopExit.UnsupportedSubcommand : SopExit.MissingArg;
    }

    private int ReportParseErrors(ParseResult parse, InvocationConfiguration invocation)
    {
        foreach (var error in parse.Errors)
        {
            context.Error.WriteLine($"cryptomail: {error.Message}");
        }
        var command = parse.CommandResult.Command;
        bool inSop = IsUnder(parse.CommandResult, sop);
        // "sop frobnicate": the subcommand is not known.
        if (command == sop) return SopExit.UnsupportedSubcommand;
        if (command == root && parse.UnmatchedTokens.Count > 0) return SopExit.UnsupportedSubcommand;
        if (parse.UnmatchedTokens.Any(t => t.StartsWith('-'))) return SopExit.UnsupportedOption;
        if (parse.Errors.Any(e => e.SymbolResult is OptionResult or ArgumentResult)) return SopExit.MissingArg;
        return inSop ? SopExit.UnsupportedOption : SopExit.GenericError;
    }

    /// <summary>System.CommandLine hands an unknown "--option" to a command's trailing arguments; SOP wants
    /// UNSUPPORTED_OPTION for it, unless it came after "--".</summary>
    private static string? StrayOption(ParseResult parse)
    {
        var tokens = parse.Tokens;
        int doubleDash = int.MaxValue;
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type == TokenType.DoubleDash)
            {
                doubleDash = i;
                break;
            }
        }
        foreach (var argument in parse.CommandResult.Children.OfType<ArgumentResult>())
        {
            foreach (var token in argument.Tokens)
            {
                if (token.Value.Length < 2 || token.Value[0] != '-') continue;
                int index = -1;
                for (int i = 0; i < tokens.Count; i++)
                {
                    if (ReferenceEquals(tokens[i], token)) index = i;
                }
                if (index < 0 || index < doubleDash) return token.Value;
            }
        }
        return null;
    }

    private static bool IsUnder(CommandResult result, Command command)
    {
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c && c.Command == command) return true;
        }
        return false;
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c) names.Insert(0, c.Command is RootCommand ? "cryptomail" : c.Command.Name);
        }
        return string.Join(' ', names);
    }
}

/// <summary>Runs a command body and turns every failure into an exit code and one line on stderr.</summary>
internal static class CommandRunner
{
    public static int Execute(ToolContext context, Func<int> body, Func<CryptoMailException, int> mapLibraryError)
    {
        try
        {
            int code = body();
            context.Out.Flush();
            context.Stdout.Flush();
            return code;
        }
        catch (Exception e) when (Find<ToolException>(e) is { } tool)
        {
            context.Error.WriteLine($"cryptomail: {tool.Message}");
            return tool.ExitCode;
        }
        catch (CryptoMailException e)
        {
            context.Error.WriteLine($"cryptomail: {e.Message}");
            Debug(context, e);
            return mapLibraryError(e);
        }
        catch (NotImplementedException e)
        {
            context.Error.WriteLine($"cryptomail: not supported by this build of CryptoMail.Core yet ({e.Message}).");
            return SopExit.UnsupportedSubcommand;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or FormatException)
        {
            context.Error.WriteLine($"cryptomail: {e.Message}");
            return SopExit.GenericError;
        }
    }

    /// <summary>With CRYPTOMAIL_DEBUG=1 in the environment, the whole exception chain goes to stderr.</summary>
    public static void Debug(ToolContext context, Exception e)
    {
        if (context.Env.TryGetValue("CRYPTOMAIL_DEBUG", out var v) && v is "1" or "true") context.Error.WriteLine(e.ToString());
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T t) return t;
        }
        return null;
    }
}
