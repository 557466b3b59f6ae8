using Hearth.Worker.Algorithms;

namespace Hearth.Algorithms.Tests.Worker;

/// <summary>An instance's exit as the caller reads it: a SIGKILL always comes with who sent it or what it was not.</summary>
public sealed class ExitDescriptionTests
{
    [Fact]
    public void AKillByTheWorkerOrForTheMemoryReservationGivesItsReason()
    {
        Assert.Equal(
            "the instance was killed (instance exceeded its reservation host.memory=64)",
            ExitDescription.For(137, "instance exceeded its reservation host.memory=64", sandboxed: true));
        Assert.Equal("the instance was killed (a call timed out after 5 s)", ExitDescription.For(137, "a call timed out after 5 s", sandboxed: false));
    }

    [Theory]
    [InlineData(true, "its cgroup recorded no OOM kill")]
    [InlineData(false, "the kernel's OOM killer or another process sent it")]
    public void ASigkillWithoutAReasonSaysItCameFromOutsideTheWorker(bool sandboxed, string detail)
    {
        var description = ExitDescription.For(128 + 9, null, sandboxed);

        Assert.StartsWith("the instance was killed by signal 9 (SIGKILL) from outside the worker", description, StringComparison.Ordinal);
        Assert.Contains(detail, description, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherEndsAreNamedPlainly()
    {
        Assert.Equal("the instance was terminated by signal 15", ExitDescription.For(128 + 15, null, sandboxed: true));
        Assert.Equal("the instance exited with code 3", ExitDescription.For(3, null, sandboxed: true));
    }
}
