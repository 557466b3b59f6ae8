using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// The calls: each one routed to an instance without passing through the scheduling loop, so a warm call costs one
/// hold of the table's lock, one message to its worker and one back; its deadline, its caller leaving, and the
/// worker's answer.
/// </summary>
internal sealed class CallDispatcher(
    InstanceTable table, InstanceLaunches launches, IInstanceWorkRequests loop, IInstanceTransport transport, AlgorithmMetrics metrics,
    TimeProvider time, IReservationHooks? reservations, TimeSpan workerGrace)
{
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
            metrics.Call(CallStatus.OverQuota, false, TimeSpan.Zero);
            return new CallOutcome(CallStatus.OverQuota, null, $"{quota}: no instance of {template.Algorithm} of its own can serve this call; try again when one of its instances stops", false, TimeSpan.Zero, null);
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
        var outcome = await call.Done.Task.ConfigureAwait(false);
        metrics.Call(outcome.Status, outcome.ColdStart, outcome.Duration);
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
        if (table.HasSurplusStart(instance.Key))
        {
            // A start queued for this call is no longer needed; the loop withdraws it before it takes room.
            loop.Nudge();
        }

        metrics.QueueWait(now - call.Created);
        Dispatch(call, instance.Id, instance.Worker!, now);
    }

    /// <summary>Sends a call to its instance with what is left of its timeout.</summary>
    private void Dispatch(PendingCall call, string instanceId, string worker, DateTimeOffset now)
    {
        var remaining = call.Deadline - now;
        if (remaining < TimeSpan.FromMilliseconds(1))
        {
            remaining = TimeSpan.FromMilliseconds(1);
        }

        if (!transport.Call(worker, instanceId, call.Id, call.Request, remaining, call.CaptureStdout))
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
    /// The call's timeout passed. A call still waiting gets a capacity error; a call on an instance is the worker's to
    /// time out, and only if the worker stays silent past a grace does the supervisor give up on it.
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
            _ = GiveUpAfterGraceAsync(call);
            return;
        }

        call.Complete(CallStatus.NoCapacity, null, noCapacity);
        loop.Nudge();
    }

    private async Task GiveUpAfterGraceAsync(PendingCall call)
    {
        await Task.Delay(workerGrace, time).ConfigureAwait(false);
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
