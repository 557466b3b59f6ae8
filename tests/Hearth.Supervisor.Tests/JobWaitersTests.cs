using Hearth.Supervisor.Scheduling;

namespace Hearth.Supervisor.Tests;

public sealed class JobWaitersTests
{
    [Fact]
    public void AWaitThatWillNotHappenIsForgottenAndAnEndStillReachesTheOthers()
    {
        var waiters = new JobWaiters();
        var finished = waiters.WhenEnded(7);
        waiters.Forget(7, finished);
        Assert.Equal(0, waiters.Count);

        var running = waiters.WhenEnded(8);
        waiters.Forget(8, Task.CompletedTask);
        Assert.Equal(1, waiters.Count);

        waiters.Ended([8]);
        Assert.True(running.IsCompletedSuccessfully);
        Assert.Equal(0, waiters.Count);
    }
}
