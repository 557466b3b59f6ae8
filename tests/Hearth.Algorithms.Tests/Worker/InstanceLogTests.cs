using Hearth.Worker.Algorithms;

namespace Hearth.Algorithms.Tests.Worker;

public sealed class InstanceLogTests
{
    [Fact]
    public void TheTailEndsOnStderrWhicheverPipeWasReadLast()
    {
        var log = new InstanceLog(TimeProvider.System);
        log.Add(LogStream.Stderr, "ModuleNotFoundError: No module named 'torch'");
        log.Add(LogStream.Stdout, "loading weights");
        log.Add(LogStream.Worker, "instance exited with code 1");

        Assert.Equal("loading weights | ModuleNotFoundError: No module named 'torch'", log.Tail());
    }

    [Fact]
    public void TheTailKeepsTheLastLinesInTheOrderEachPipeGaveThem()
    {
        var log = new InstanceLog(TimeProvider.System, capacity: 4);
        foreach (var i in Enumerable.Range(1, 6))
        {
            log.Add(LogStream.Stdout, $"out {i}");
        }

        Assert.Equal("out 5 | out 6", log.Tail(2));
        Assert.Equal(["out 3", "out 4", "out 5", "out 6"], log.Recent().Select(l => l.Text));
        Assert.Equal("", new InstanceLog(TimeProvider.System).Tail());
    }
}
