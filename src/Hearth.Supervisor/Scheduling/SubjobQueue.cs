using Hearth.Core.Placement;
using Hearth.Supervisor.Jobs;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// Puts pending subjobs in the loop's queue, or keeps the ones waiting out a retry delay aside until it has passed.
/// The delayed ones are its own; the queue itself is the <see cref="Cluster"/>'s. Only the loop touches it.
/// </summary>
internal sealed class SubjobQueue(Cluster cluster)
{
    /// <summary>Failed subjobs waiting out their job's retry delay; they join the queue when it has passed.</summary>
    private readonly HashSet<Subjob> _delayed = [];

    /// <summary>
    /// Queues a pending subjob now, or keeps it aside until its retry delay has passed. Null when it is queued or
    /// kept; otherwise why the queue refused it (a request that can never be placed).
    /// </summary>
    public string? Queue(Subjob subjob, DateTimeOffset now)
    {
        if (subjob.RetryAt is { } at && at > now)
        {
            _delayed.Add(subjob);
            return null;
        }

        return Enqueue(subjob);
    }

    /// <summary>Takes a pending subjob out of the queue, or from among the delayed ones.</summary>
    public void Withdraw(Subjob subjob)
    {
        cluster.Withdraw(subjob.WorkId);
        _delayed.Remove(subjob);
    }

    /// <summary>Queues the delayed subjobs whose time has come, at their old position; hands back those queued and those refused.</summary>
    public List<(Subjob Subjob, string? Refused)>? QueueDue(DateTimeOffset now)
    {
        if (_delayed.Count == 0)
        {
            return null;
        }

        List<(Subjob, string?)>? due = null;
        foreach (var subjob in _delayed)
        {
            if (subjob.RetryAt is not { } at || at <= now)
            {
                (due ??= []).Add((subjob, null));
            }
        }

        for (var i = 0; due is not null && i < due.Count; i++)
        {
            var subjob = due[i].Item1;
            _delayed.Remove(subjob);
            due[i] = (subjob, Enqueue(subjob));
        }

        return due;
    }

    /// <summary>When the next delayed retry is due, if any waits.</summary>
    public DateTimeOffset? NextRetry()
    {
        DateTimeOffset? next = null;
        foreach (var subjob in _delayed)
        {
            if (subjob.RetryAt is { } at && (next is null || at < next))
            {
                next = at;
            }
        }

        return next;
    }

    public static WorkRequest RequestFor(Subjob subjob) =>
        new(subjob.WorkId, subjob.Job.Resources, subjob.Job.Priority, subjob.Sequence, subjob.Job.Requirements, subjob.AvoidHost,
            AccountJob: subjob.Job.IsAccountJob)
        {
            Account = subjob.Job.SubmittedBy,
        };

    private string? Enqueue(Subjob subjob)
    {
        try
        {
            cluster.Submit(RequestFor(subjob));
            return null;
        }
        catch (PlacementException e)
        {
            return e.Message;
        }
    }
}
