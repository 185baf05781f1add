using CryptoMail.Fuzz;

namespace CryptoMail.Core.Tests.Fuzz;

/// <summary>Every committed fuzz input (the seed corpora and each crash regression) through its target, in process: an
/// exception outside the public hierarchy, the internal-error kind or a broken contract fails the test.</summary>
public class FuzzReplayTests
{
    public static TheoryData<string> TargetNames => new(Targets.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void Every_committed_input_is_accepted_or_refused_with_a_public_error(string name)
    {
        var target = Targets.Find(name)!;
        var project = Replay.ProjectDirectory();
        var failures = Replay.Run([target], project, null, out int inputs, out var refusedSeeds);
        Assert.True(inputs > 0, $"no committed input for the {name} target");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Select(f => $"{f.File}:\n{f.Failure}")));
        // A seed the library refuses teaches the fuzzer nothing about the accepting paths.
        Assert.Empty(refusedSeeds);
    }

    [Fact]
    public void An_escaped_runtime_exception_is_reported_as_a_crash()
    {
        var crashing = new FuzzTarget("test", input => input[input.Length] == 0);
        Assert.Contains("IndexOutOfRangeException", Replay.RunOne(crashing, [1, 2], out _));
        var internalError = new FuzzTarget("test", _ => throw new CryptoMailInternalException("Testing", new InvalidCastException()));
        Assert.Contains(nameof(CryptoMailInternalException), Replay.RunOne(internalError, [], out _));
        Assert.Null(Replay.RunOne(Targets.Find("armor")!, "not armor at all"u8.ToArray(), out bool accepted));
        Assert.False(accepted);
    }
}
