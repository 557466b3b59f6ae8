using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// The calls: each one routed to an instance without passing through the scheduling loop, so a warm call costs one
/// hold of the table's lock, one message to its worker and one back; its deadline, its caller leaving, and the
/// worker's answer.
/// </summary>
/// <remarks>
/// Under overload a call must not take an instance it cannot finish on: one whose budget left is shorter than its
/// build's recent median duration is refused at once (503, Retry-After) rather than handed over, and the instance
/// takes the next waiting call. A call that is handed over gets its whole budget on the instance, however long it
/// waited first: its caller is answered at its deadline, and the instance finishes the call and goes on serving, so
/// only a call that outlives its whole budget on the instance (a hang) stops it.
/// </remarks>
internal sealed class CallDispatcher(
    InstanceTable table, InstanceLaunches launches, IInstanceWorkRequests loop, IInstanceTransport transport, AlgorithmMetrics metrics,
    TimeProvider time, IReservationHooks? reservations, TimeSpan workerGrace)
{
    /// <summary>How much later than its deadline a call's worker may answer before the caller is answered without it.</summary>
    private static readonly TimeSpan LateHandOver = TimeSpan.FromMilliseconds(10);

    private readonly CallDurations _durations = new();
    private long _lastCallId;

    public async Task<CallOutcome> CallAsync(
        string account, InstanceTemplate template, InstanceLaunchInfo launch, byte[] request, TimeSpan timeout,
        IReadOnlyList<InstanceTemplate> alternatives, bool captureStdout, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var call = new PendingCall(this, Interlocked.Increment(ref _lastCallId), request, now, now + timeout) { CaptureStdout = captureStdout };
        launches.Remember(template.Hash, launch);
        if (loop.Quotas.ExplainInstances(account) is { } quota && !table.HasInstance(account, template, alternatives))
        {
            // Waiting would not help: no instance of its own may serve it, and the quota lets none start.
            call.Complete(CallStatus.OverQuota, null, $"{quota}: no instance of {template.Algorithm} of its own can serve this call; try again when one of its instances stops");
            return await EndAsync(call, account, template).ConfigureAwait(false);
        }

        if (TooLittleLeft(call, template, now) is { } refusal)
        {
            call.Complete(CallStatus.NoCapacity, null, refusal);
            return await EndAsync(call, account, template).ConfigureAwait(false);
        }

        var (warm, started, spillover) = table.Route(call, account, template, alternatives, now);
        if (warm is not null)
        {
            metrics.WarmHit();
            Dispatch(call, warm.Id, warm.Worker!, now);
        }
        else if (started is not null)
        {
            if (spillover)
            {
                metrics.Spillover();
            }

            metrics.InstanceStarted(1);
            loop.Submit([started]);
        }

        using var deadline = time.CreateTimer(static state => ((PendingCall)state!).Dispatcher.OnDeadline((PendingCall)state), call, timeout, Timeout.InfiniteTimeSpan);
        using var abandoned = cancellationToken.Register(static state => ((PendingCall)state!).Dispatcher.OnCallerGone((PendingCall)state), call);
        return await EndAsync(call, account, template).ConfigureAwait(false);
    }

    private async Task<CallOutcome> EndAsync(PendingCall call, string account, InstanceTemplate template)
    {
        var outcome = await call.Done.Task.ConfigureAwait(false);
        metrics.Call(outcome.Status, outcome.ColdStart, outcome.Duration);
        var build = call.Served?.Template ?? template;
        metrics.Builds.Add(build.Algorithm, build.Hash, outcome.Status);
        if (outcome.Status is CallStatus.Ok or CallStatus.AlgorithmError && call.Served is { } served)
        {
            reservations?.CallServed(account, served.Template.Hash, served.ReservationId);
        }

        return outcome;
    }

    /// <summary>
    /// A worker's answer to a call: <paramref name="line"/> on a reply, else the failure (the instance crashed or hung,
    /// and is going away). A reply frees the instance for the next waiting call.
    /// </summary>
    public void CallDone(string instanceId, long callId, bool replied, byte[]? line, string? failure, bool timedOut, string? stdout)
    {
        var now = time.GetUtcNow();
        var (call, next) = table.CallDone(instanceId, callId, replied, failure, now);
        if (next is { } n)
        {
            Send(n.Call, n.Instance, now);
        }

        if (call is null)
        {
            return;
        }

        if (replied && call.Served is { } served && call.DispatchedUtcTicks is > 0 and var dispatched)
        {
            _durations.Record(served.Template.Hash, TimeSpan.FromTicks(now.UtcTicks - dispatched));
        }

        if (!replied)
        {
            call.Complete(timedOut ? CallStatus.TimedOut : CallStatus.InstanceFailed, null, failure, stdout);
            return;
        }

        var response = PipeProtocol.ParseResponse(line);
        switch (response)
        {
            case PipeResult:
                call.Complete(CallStatus.Ok, response, null, stdout);
                break;
            case PipeError error:
                call.Complete(CallStatus.AlgorithmError, response, error.Message, stdout);
                break;
            default:
                call.Complete(CallStatus.InstanceFailed, response, $"the instance wrote something that is not a response: {((PipeMalformed)response).Message}", stdout);
                break;
        }
    }

    /// <summary>Sends a call an instance was just handed to (it loaded, or finished another call).</summary>
    public void Send(PendingCall call, AlgorithmInstance instance, DateTimeOffset now)
    {
        while (TooLittleLeft(call, instance.Template, now) is { } refusal)
        {
            var next = table.Pass(call, instance.Id, now);
            call.Complete(CallStatus.NoCapacity, null, refusal);
            if (next is not { } n)
            {
                if (table.HasSurplusStart(instance.Key))
                {
                    loop.Nudge();
                }

                return;
            }

            (call, instance) = n;
        }

        if (table.HasSurplusStart(instance.Key))
        {
            // A start queued for this call is no longer needed; the loop withdraws it before it takes room.
            loop.Nudge();
        }

        metrics.QueueWait(now - call.Created);
        Dispatch(call, instance.Id, instance.Worker!, now);
    }

    /// <summary>
    /// Refuses a call with less of its budget left than its build's recent calls take (the median): handed to an
    /// instance, it would most likely time out there. Null when it has time enough, or nothing is known yet.
    /// </summary>
    private string? TooLittleLeft(PendingCall call, InstanceTemplate template, DateTimeOffset now)
    {
        var median = _durations.Median(template.Hash);
        var left = call.Deadline - now;
        return left >= median ? null
            : $"no instance of {template.Algorithm} could take the call in time to finish it: {InstanceTable.Seconds(left)} s of its timeout of "
                + $"{InstanceTable.Seconds(call.Budget)} s were left, and its recent calls take {InstanceTable.Seconds(median)} s (median); try again";
    }

    /// <summary>
    /// Sends a call to its instance with its whole budget, however long it waited: the caller stops waiting at its
    /// deadline, but the instance is not stopped for a call it was handed late.
    /// </summary>
    private void Dispatch(PendingCall call, string instanceId, string worker, DateTimeOffset now)
    {
        call.DispatchedUtcTicks = now.UtcTicks;
        var budget = call.Budget < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : call.Budget;
        if (!transport.Call(worker, instanceId, call.Id, call.Request, budget, call.CaptureStdout))
        {
            table.SendFailed(call, instanceId, $"worker {worker} is not connected");
            call.Complete(CallStatus.Unavailable, null, $"the worker {worker} holding the instance is not connected; try again");
        }
    }

    private void OnCallerGone(PendingCall call)
    {
        if (!table.CancelWaiting(call))
        {
            return;
        }

        call.Complete(CallStatus.Unavailable, null, "the caller went away");
        loop.Nudge();
    }

    /// <summary>
    /// The call's timeout passed. A call still waiting gets a capacity error. A call on an instance is the worker's to
    /// time out at the end of the budget it was handed; one handed over late has its caller answered now, while its
    /// instance finishes it. Only if the worker stays silent past its budget and a grace does the supervisor give up.
    /// </summary>
    private void OnDeadline(PendingCall call)
    {
        var (gone, onInstance, noCapacity) = table.Expire(call);
        if (gone)
        {
            return;
        }

        if (onInstance)
        {
            var now = time.GetUtcNow();
            var dispatched = call.DispatchedUtcTicks;
            var workerEnds = (dispatched > 0 ? new DateTimeOffset(dispatched, TimeSpan.Zero) : now) + call.Budget;
            if (workerEnds - now > LateHandOver)
            {
                var waited = dispatched > 0 ? TimeSpan.FromTicks(dispatched - call.Created.UtcTicks) : call.Budget;
                call.Complete(CallStatus.TimedOut, null,
                    $"the call timed out after {InstanceTable.Seconds(call.Budget)} s: it waited {InstanceTable.Seconds(waited)} s for a free instance, "
                    + "which goes on to finish it");
            }

            _ = GiveUpAfterGraceAsync(call, (workerEnds > now ? workerEnds - now : TimeSpan.Zero) + workerGrace);
            return;
        }

        call.Complete(CallStatus.NoCapacity, null, noCapacity);
        loop.Nudge();
    }

    private async Task GiveUpAfterGraceAsync(PendingCall call, TimeSpan after)
    {
        await Task.Delay(after, time).ConfigureAwait(false);
        if (!table.GiveUp(call, out var worker))
        {
            return;
        }

        if (worker is not null)
        {
            transport.Stop(worker, call.InstanceId!, TimeSpan.Zero);
        }

        call.Complete(CallStatus.TimedOut, null,
            $"the call timed out after {InstanceTable.Seconds(call.Deadline - call.Created)} s and its worker did not answer; the instance was stopped");
    }
}
