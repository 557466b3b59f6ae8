using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for a job's requirements and the changes made to it after submission; subclassed once per backend.</summary>
public abstract class JobChangeContract(TestStores stores) : StorageContract(stores)
{
    [Fact]
    public async Task AJobsRequirementsAndItsChangesAfterSubmissionAreStoredAndLoadBack()
    {
        var submitted = Job(1) with { Requirements = "\"gpu\" in host.groups" };
        await CommitAsync(c => c.Jobs.Add(submitted));
        Assert.Equal([], (await Store.Jobs.FindJobAsync(1, Cancel))!.Job.Changes!);

        JobChangeRecord[] changes =
        [
            new("priority", "50", "7", "ana", At.AddSeconds(5)),
            new("requirements", "\"gpu\" in host.groups", "", "admin", At.AddSeconds(6)),
        ];
        var modified = submitted with { Version = 1, Priority = 7, Reservations = "host.processors=1", Requirements = null, Changes = changes };
        await CommitAsync(c => c.Jobs.Add(modified));

        AssertStored(modified with { Version = 2 }, (await Store.Jobs.FindJobAsync(1, Cancel))!.Job);
        AssertStored(modified with { Version = 2 }, Assert.Single((await Open().Scheduler.LoadAsync(Cancel)).UnfinishedJobs).Job);
    }
}
