using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Tests;

/// <summary>Where jobs may run and how they change after submission, on the scheduler's state with a fake clock.</summary>
public sealed class JobChangeTests
{
    [Fact]
    public void AJobRunsOnlyOnAWorkerWhosePropertiesMeetItsRequirements()
    {
        var h = new SchedulerHarness();
        Connect(h, "cpu1", 4, "linux", []);
        Connect(h, "gpu1", 4, "linux", ["gpu"], "west");
        var job = Submit(h, "\"gpu\" in host.groups and host.cluster == \"west\"");

        var assigned = h.Place().Where(m => m.Assign is not null).ToList();

        Assert.Equal("gpu1", job.Subjobs[0].Host);
        Assert.Single(assigned);
        var view = Assert.Single(h.State.View().Workers, w => w.Name == "gpu1").Properties!;
        Assert.Equal(("linux", "west"), (view.Os, view.Cluster));
        Assert.Equal(["gpu"], view.Groups);
    }

    [Fact]
    public void APendingJobsRequirementsAndReservationsChangeAndEachChangeIsRecorded()
    {
        var h = new SchedulerHarness();
        Connect(h, "cpu1", 4, "linux", []);
        var job = Submit(h, "host.os == \"windows\"");
        h.Place();
        Assert.Equal(WorkState.Pending, job.State);

        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(h.State.Modify(job.Id, new JobModification(null, ResourceRequest.Parse("host.processors=2"), true, Requirement.Parse("host.os == \"linux\""), "ana"), h.Next()));
        h.Place();

        Assert.Equal(("cpu1", 2), (job.Subjobs[0].Host, job.Subjobs[0].Allocation.AmountOf(ResourceName.Processors)));
        Assert.Equal(
            [
                new JobChangeRecord("reservations", "host.processors=1", "host.processors=2", "ana", h.Time.GetUtcNow()),
                new JobChangeRecord("requirements", "host.os == \"windows\"", "host.os == \"linux\"", "ana", h.Time.GetUtcNow()),
            ],
            job.ToRecord().Changes!);
    }

    [Fact]
    public void ARunningJobTakesANewPriorityButRefusesNewReservationsOrRequirements()
    {
        var h = new SchedulerHarness();
        Connect(h, "cpu1", 1, "linux", []);
        var job = Submit(h, null);
        h.Place();
        Assert.Equal(WorkState.Running, job.Subjobs[0].State);

        var refused = Assert.Throws<JobChangeRefusedException>(() =>
            h.State.Modify(job.Id, new JobModification(null, null, true, null, null), h.Next()));
        Assert.Equal(
            $"job {job.Id} is running: its reservations and requirements can change only while it is pending; its priority can change until it ends",
            refused.Message);

        Assert.True(h.State.Modify(job.Id, new JobModification(5, null, false, null, null), h.Next()));
        Assert.Equal(5, job.Priority);
        Assert.Equal(5, h.State.Cluster.FindRunning(job.Subjobs[0].WorkId)!.Request.Priority);
        Assert.Equal(("priority", "9999", "5", "admin"), Assert.Single(job.Changes) is var c ? (c.Field, c.From, c.To, c.By) : default);
    }

    [Fact]
    public void ANewPriorityReordersThePendingQueue()
    {
        var h = new SchedulerHarness();
        Connect(h, "cpu1", 1, "linux", []);
        var blocker = Submit(h, null);
        h.Place();
        var early = Submit(h, null, priority: 100);
        var late = Submit(h, null, priority: 50);

        h.State.Modify(early.Id, new JobModification(10, null, false, null, null), h.Next());
        h.Exit("cpu1", blocker.Subjobs[0].AssignmentId);
        h.Place();

        Assert.Equal((WorkState.Running, WorkState.Pending), (early.Subjobs[0].State, late.Subjobs[0].State));
    }

    [Fact]
    public void AccountKeysAreHeldToTheAdminsPriorityFloorAtSubmitAndModifyButAdminKeysAreNot()
    {
        var h = new SchedulerHarness();
        Assert.Equal(1, h.State.Policy().HighestUserPriority);
        h.State.SetHighestUserPriority(100, h.Next());
        Assert.Equal("policy:highest_user_priority", Assert.Single(h.Effects.ToChangeSet().Settings).Name);

        var submit = Assert.Throws<PriorityNotAllowedException>(() =>
            h.State.Submit(new JobSubmission("j", ["true"], ResourceRequest.Default, 99, 1, null, "ana"), h.Next()));
        Assert.Equal("priority 99 is higher than accounts may use: the highest is 100 (1 runs first; give 100 to 9999)", submit.Message);

        var job = h.State.Submit(new JobSubmission("j", ["true"], ResourceRequest.Default, 100, 1, null, "ana"), h.Next());
        Assert.Throws<PriorityNotAllowedException>(() => h.State.Modify(job.Id, new JobModification(1, null, false, null, "ana"), h.Next()));
        Assert.Equal(100, job.Priority);
        Assert.True(h.State.Modify(job.Id, new JobModification(1, null, false, null, null), h.Next()));
        Assert.Equal(1, job.Priority);
        Assert.Throws<FarmRequestException>(() => h.State.SetHighestUserPriority(0, h.Next()));
    }

    private static void Connect(SchedulerHarness h, string name, int processors, string os, string[] groups, string cluster = "")
    {
        var session = new WorkerSession(name);
        h.Sessions[name] = session;
        var register = new Register { Name = name, Resources = { ["host.processors"] = processors }, Os = os, Arch = "x86_64", Groups = { groups }, Cluster = cluster };
        h.State.Connect(session, register, h.Next());
    }

    private static Job Submit(SchedulerHarness h, string? requirements, int priority = 9999) =>
        h.State.Submit(new JobSubmission("test", ["true"], ResourceRequest.Default, priority, 1, null, null, Requirements: Requirement.ParseOrNone(requirements)), h.Next());
}
