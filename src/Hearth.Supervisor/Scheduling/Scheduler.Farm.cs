using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Jobs;

namespace Hearth.Supervisor.Scheduling;

/// <summary>The admin's farm controls: run-time totals and outside use.</summary>
public sealed partial class Scheduler
{
    /// <summary>Sets a cluster-wide resource's total; throws <see cref="FarmRequestException"/> for a value it cannot take.</summary>
    public Task<ResourceUsageView> SetResourceTotalAsync(ResourceName resource, int total) =>
        FarmAsync((state, fx) => state.SetClusterTotal(resource, total, fx));

    /// <summary>Records a license's use outside the farm; throws <see cref="FarmTargetNotFoundException"/> for an undefined license.</summary>
    public Task<ResourceUsageView> ReportOutsideUseAsync(ResourceName resource, int inUse) =>
        FarmAsync((state, fx) => state.ReportOutsideUse(resource, inUse, fx));

    /// <summary>Sets host resource totals on a worker; throws <see cref="FarmTargetNotFoundException"/> for an unknown worker.</summary>
    public Task<WorkerView> SetWorkerResourcesAsync(string name, IReadOnlyDictionary<ResourceName, int> totals) =>
        FarmAsync((state, fx) => state.SetWorkerResources(name, totals, fx));

    /// <summary>Locks a worker against new work; <paramref name="purge"/> also kills and requeues its running subjobs.</summary>
    public Task<WorkerView> LockWorkerAsync(string name, bool purge) =>
        FarmAsync((state, fx) => state.LockWorker(name, purge, fx));

    public Task<WorkerView> UnlockWorkerAsync(string name) =>
        FarmAsync((state, fx) => state.UnlockWorker(name, fx));

    /// <summary>
    /// Reruns a job's failed or killed subjobs (or subjob <paramref name="index"/>) and answers with the job's new
    /// state. An ended job comes back from <paramref name="stored"/>; <paramref name="storedStates"/> holds the stored
    /// states of the jobs it depends on.
    /// </summary>
    public Task<string> RetryJobAsync(long jobId, int? index, Storage.JobDetails? stored, IReadOnlyDictionary<long, string> storedStates) =>
        FarmAsync((state, fx) => state.Retry(jobId, index, stored, storedStates, fx).State.ToText());

    /// <summary>Changes a job; false when it is not active. Throws <see cref="JobChangeRefusedException"/> or <see cref="PriorityNotAllowedException"/>.</summary>
    public async Task<bool> ModifyJobAsync(long jobId, JobModification change) =>
        (bool)await FarmAsync<object>((state, fx) => state.Modify(jobId, change, fx)).ConfigureAwait(false);

    public Task<PolicyView> SetHighestUserPriorityAsync(int priority) =>
        FarmAsync((state, fx) => state.SetHighestUserPriority(priority, fx));

    public Task<PolicyView> PolicyAsync() => FarmAsync((state, _) => state.Policy());

    private async Task<T> FarmAsync<T>(Func<SchedulerState, CycleEffects, T> run)
        where T : class
    {
        var reply = NewReply<object>();
        Post(new FarmCommand((state, fx) => run(state, fx), reply));
        return (T)await reply.Task.ConfigureAwait(false);
    }
}
