using Hearth.Protocol.Workers;

namespace Hearth.Supervisor.Tests;

/// <summary>A job's own start: when its first subjob's process started, written as soon as it is known.</summary>
public sealed class JobStartTests
{
    [Fact]
    public void ARunningJobStartsWhenItsFirstSubjobsProcessStartsAndThatStartIsWritten()
    {
        var h = new SchedulerHarness();
        var session = h.Connect("w1", 4);
        var job = h.Submit(cpus: 2);
        h.Place();
        Assert.Null(job.StartedAt);

        h.Time.Advance(TimeSpan.FromSeconds(3));
        var first = h.Time.GetUtcNow();
        h.State.Started(session, new ProcessStarted { AssignmentId = job.Subjobs[1].AssignmentId, Pid = 11 }, h.Next());

        Assert.Equal(first, job.StartedAt);
        var written = Assert.Single(h.Effects.ToChangeSet().Jobs);
        Assert.Equal(("running", first), (written.State, written.StartedAt));

        h.Time.Advance(TimeSpan.FromSeconds(2));
        h.State.Started(session, new ProcessStarted { AssignmentId = job.Subjobs[0].AssignmentId, Pid = 12 }, h.Next());

        Assert.Equal(first, job.StartedAt);
        Assert.Empty(h.Effects.ToChangeSet().Jobs);
    }
}
