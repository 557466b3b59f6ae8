using System.Globalization;
using Hearth.Core.Placement;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Jobs;

namespace Hearth.Supervisor.Scheduling;

internal sealed partial class SchedulerState
{
    /// <summary>
    /// Changes a job after submission, all or nothing: a priority for pending and running subjobs alike, and
    /// reservations or requirements only while nothing has started. Each change goes in the job's history. False
    /// when the job is not active (it ended, or never existed).
    /// </summary>
    public bool Modify(long jobId, JobModification change, CycleEffects fx)
    {
        if (!_jobs.TryGetValue(jobId, out var job))
        {
            return false;
        }

        var pendingOnly = change.Reservations is not null || change.ChangeRequirements;
        if (pendingOnly && (job.State != WorkState.Pending || job.Subjobs.Any(s => s.State != WorkState.Pending)))
        {
            throw new JobChangeRefusedException(
                $"job {jobId} is {job.State.ToText()}: its reservations and requirements can change only while it is pending; its priority can change until it ends");
        }

        if (change.Priority is { } priority)
        {
            CheckPriorityFloor(priority, change.By);
        }

        if (change.Reservations is { } spec)
        {
            CheckGlobalsDefined(spec);
        }

        var now = _time.GetUtcNow();
        var by = JobAccess.Show(change.By);
        if (change.Priority is { } p && p != job.Priority)
        {
            job.ChangePriority(p, by, now);
        }

        if (change.Reservations is { } r && !r.Equals(job.Reservations))
        {
            job.ChangeReservations(r, by, now);
        }

        if (change.ChangeRequirements && change.Requirements?.Text != job.Requirements?.Text)
        {
            job.ChangeRequirements(change.Requirements, by, now);
        }

        foreach (var subjob in job.Subjobs)
        {
            if (!subjob.State.IsTerminal())
            {
                Cluster.Update(RequestFor(subjob));
            }
        }

        fx.Touch(job);
        fx.ViewChanged = true;
        return true;
    }

    /// <summary>Sets the highest priority account keys may use (the lowest number); jobs already queued keep theirs.</summary>
    public PolicyView SetHighestUserPriority(int priority, CycleEffects fx)
    {
        if (priority is < 1 or > WorkRequest.DefaultPriority)
        {
            throw new FarmRequestException(
                string.Create(CultureInfo.InvariantCulture, $"highest user priority {priority} is out of range: 1 (accounts may use every priority) to {WorkRequest.DefaultPriority}"));
        }

        fx.Setting(Farm.SetHighestUserPriority(priority));
        return Policy();
    }

    public PolicyView Policy() => new(Farm.HighestUserPriority);

    /// <summary>An account key may not put a job ahead of the admin's floor; an admin key may.</summary>
    private void CheckPriorityFloor(int priority, string? account)
    {
        if (account is not null && priority < Farm.HighestUserPriority)
        {
            throw new PriorityNotAllowedException(string.Create(CultureInfo.InvariantCulture,
                $"priority {priority} is higher than accounts may use: the highest is {Farm.HighestUserPriority} (1 runs first; give {Farm.HighestUserPriority} to {WorkRequest.DefaultPriority})"));
        }
    }

    private void CheckGlobalsDefined(Core.Resources.ReservationSpec spec)
    {
        foreach (var item in spec.Items)
        {
            if (!item.Resource.IsHost && !Cluster.Ledger.HasGlobal(item.Resource))
            {
                var defined = Cluster.Ledger.GlobalUsage().Select(u => u.Resource.ToString()).ToList();
                throw new PlacementException(
                    $"item \"{item}\": unknown global resource {item.Resource}; the cluster defines {(defined.Count == 0 ? "none" : string.Join(", ", defined))}");
            }
        }
    }
}
