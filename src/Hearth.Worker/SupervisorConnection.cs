using Grpc.Core;
using Grpc.Net.Client;
using Hearth.Protocol.Workers;
using Microsoft.Extensions.Logging;

namespace Hearth.Worker;

/// <summary>
/// The worker's one gRPC stream to the supervisor: it registers, hands the supervisor's messages to the subjob runner
/// and the instances, writes the outbox, heartbeats, and reconnects with backoff (trying each supervisor in turn)
/// when the stream drops. It also fences: when the supervisor has not confirmed hearing from this worker within its
/// heartbeat timeout, the worker's work is ended before the supervisor may run it elsewhere.
/// </summary>
/// <param name="register">A registration listing what runs here now, made fresh for every connection.</param>
internal sealed partial class SupervisorConnection(
    WorkerOptions options, Outbox outbox, ContactFence fence, SupervisorApi api, SubjobRunner subjobs, WorkerInstances instances,
    Func<Register> register, ILogger logger)
{
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(100);

    private readonly ILogger _logger = logger;
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Uri[] _supervisors = [options.Supervisor, .. options.OtherSupervisors];
    private int _nextSupervisor;
    private TaskCompletionSource? _cutOff;
    private volatile Task _fencing = Task.CompletedTask;

    private string Name => options.Name;

    /// <summary>Whether this worker ends its work when it loses contact (see <see cref="WorkerOptions.OnDisconnect"/>).</summary>
    public bool Fencing => options.OnDisconnect == WorkerDisconnectAction.Stop;

    /// <summary>Completes when the supervisor first accepts this worker's registration.</summary>
    public Task Registered => _registered.Task;

    /// <summary>
    /// Connects, serves, reconnects until <paramref name="stop"/>; on stop, the work is ended and the supervisor told
    /// the worker is leaving. Throws <see cref="WorkerRefusedException"/> when refused.
    /// </summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var delay = FirstReconnectDelay;
        string? lastRefusal = null;
        // Ends with this method, however it ends (a refusal ends it without a stop).
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var watch = WatchContactAsync(watching.Token);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var reached = false;
                try
                {
                    // A registration must not list what fencing is still stopping: the supervisor would adopt it.
                    await _fencing.ConfigureAwait(false);
                    var endpoint = await api.ResolveStreamEndpointAsync(_supervisors[_nextSupervisor], stop).ConfigureAwait(false);
                    if (await ConnectOnceAsync(endpoint, stop).ConfigureAwait(false))
                    {
                        reached = true;
                        delay = FirstReconnectDelay;
                        lastRefusal = null;
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
                {
                    // Another live worker holds the name. It may be a dead host's connection that the supervisor has
                    // not timed out yet, so keep trying (said once, not on every attempt) and take over once it is gone.
                    if (Describe(e) != lastRefusal)
                    {
                        lastRefusal = Describe(e);
                        LogNameTaken(Name, lastRefusal);
                    }
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.InvalidArgument)
                {
                    throw new WorkerRefusedException($"the supervisor refused worker {Name}: {Describe(e)}");
                }
                catch (Exception e) when (e is RpcException or HttpRequestException or IOException or TaskCanceledException)
                {
                    if (!stop.IsCancellationRequested)
                    {
                        LogConnectionLost(Name, Innermost(e));
                    }
                }

                if (!reached && _supervisors.Length > 1)
                {
                    // The next supervisor may be the one that holds the store now: try each before backing off.
                    _nextSupervisor = (_nextSupervisor + 1) % _supervisors.Length;
                    if (_nextSupervisor != 0)
                    {
                        continue;
                    }
                }

                if (!stop.IsCancellationRequested)
                {
                    await Task.Delay(delay, options.Time, stop).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxReconnectDelay.Ticks));
                }
            }
        }
        finally
        {
            await watching.CancelAsync().ConfigureAwait(false);
            await Quietly(watch).ConfigureAwait(false);
        }
    }

    /// <summary>Ends every subjob and instance here, each within the worker's stop grace, and waits for them.</summary>
    public Task StopWorkAsync() => Task.WhenAll(subjobs.StopAllAsync(), instances.StopAllAsync(options.StopGrace));

    /// <summary>One connection, from registration until it drops or the worker stops. True if it registered.</summary>
    private async Task<bool> ConnectOnceAsync(Uri endpoint, CancellationToken stop)
    {
        using var channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = SupervisorTrust.CreateHandler(options.TlsCaFile),
            MaxReceiveMessageSize = Hearth.Protocol.StreamLimits.MaxMessageBytes,
        });
        var client = new WorkerGateway.WorkerGatewayClient(channel);
        using var call = client.Connect(new Metadata { { "authorization", $"Simple {options.ApiKey}" } }, cancellationToken: CancellationToken.None);
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var cutOff = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cutOff = cutOff;
        var sentAt = fence.Now();
        await call.RequestStream.WriteAsync(new WorkerMessage { Register = register() }, CancellationToken.None).ConfigureAwait(false);
        var sender = SendAsync(call.RequestStream, connection.Token);
        // The read is not tied to the stop token: cancelling a read cancels the whole call, and a stopping
        // worker still needs the call to say goodbye.
        var reading = ReadAsync(call.ResponseStream, endpoint, sentAt, connection.Token);
        var stopped = Task.Delay(Timeout.Infinite, stop);
        try
        {
            var first = await Task.WhenAny(reading, stopped, cutOff.Task).ConfigureAwait(false);
            if (first == stopped)
            {
                await LeaveAsync(call, connection, sender).ConfigureAwait(false);
                return reading.IsCompletedSuccessfully ? reading.Result : true;
            }

            if (first == cutOff.Task)
            {
                // Fenced: whatever this stream still carries was sent to a worker the supervisor may have given
                // up. A new registration tells it what no longer runs here.
                LogConnectionLost(Name, "the supervisor has not confirmed hearing from this worker within its heartbeat timeout");
                call.Dispose();
                await Quietly(reading).ConfigureAwait(false);
                return true;
            }

            var registered = await reading.ConfigureAwait(false);
            LogConnectionLost(Name, "the supervisor ended the stream");
            return registered;
        }
        finally
        {
            await connection.CancelAsync().ConfigureAwait(false);
            await Quietly(sender).ConfigureAwait(false);
        }
    }

    /// <summary>Serves the supervisor's messages until the stream ends; true if the registration was accepted.</summary>
    private async Task<bool> ReadAsync(IAsyncStreamReader<SupervisorMessage> stream, Uri endpoint, long sentAt, CancellationToken connection)
    {
        var registered = false;
        while (await stream.MoveNext(CancellationToken.None).ConfigureAwait(false))
        {
            var message = stream.Current;
            switch (message.BodyCase)
            {
                case SupervisorMessage.BodyOneofCase.CallInstance:
                    instances.Call(message.CallInstance);
                    break;
                case SupervisorMessage.BodyOneofCase.Registered:
                    registered = true;
                    fence.Registered(
                        sentAt, TimeSpan.FromMilliseconds(message.Registered.HeartbeatTimeoutMs), TimeSpan.FromMilliseconds(message.Registered.FenceMarginMs));
                    _ = HeartbeatAsync(TimeSpan.FromMilliseconds(message.Registered.HeartbeatIntervalMs), connection);
                    _registered.TrySetResult();
                    LogRegistered(Name, endpoint.ToString());
                    break;
                case SupervisorMessage.BodyOneofCase.HeartbeatAck:
                    fence.Acknowledged(message.HeartbeatAck.Sequence);
                    break;
                case SupervisorMessage.BodyOneofCase.Assign:
                    subjobs.Start(message.Assign);
                    break;
                case SupervisorMessage.BodyOneofCase.Kill:
                    subjobs.Kill(message.Kill);
                    break;
                case SupervisorMessage.BodyOneofCase.Grow:
                    subjobs.Grow(message.Grow);
                    break;
                case SupervisorMessage.BodyOneofCase.StartInstance:
                    instances.Start(message.StartInstance);
                    break;
                case SupervisorMessage.BodyOneofCase.StopInstance:
                    instances.Stop(message.StopInstance);
                    break;
                default:
                    LogUnexpectedMessage(Name, message.BodyCase.ToString());
                    break;
            }
        }

        return registered;
    }

    /// <summary>A clean goodbye: processes stopped (not reported as ended), then Leave, so the work is requeued at once.</summary>
    private async Task LeaveAsync(AsyncDuplexStreamingCall<WorkerMessage, SupervisorMessage> call, CancellationTokenSource connection, Task sender)
    {
        await StopWorkAsync().ConfigureAwait(false);
        await connection.CancelAsync().ConfigureAwait(false);
        await Quietly(sender).ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), options.Time);
            await call.RequestStream.WriteAsync(new WorkerMessage { Leave = new Leave() }, timeout.Token).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
            await call.ResponseHeadersAsync.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException)
        {
            // The supervisor will notice by the heartbeat timeout instead.
        }
    }

    /// <summary>Writes the outbox in order; a message leaves the outbox only once written, so a broken connection loses nothing queued.</summary>
    private async Task SendAsync(IClientStreamWriter<WorkerMessage> stream, CancellationToken cancellation)
    {
        while (await outbox.WaitToReadAsync(cancellation).ConfigureAwait(false))
        {
            while (outbox.TryPeek(out var message))
            {
                await stream.WriteAsync(message, CancellationToken.None).ConfigureAwait(false);
                outbox.Advance(message);
            }
        }
    }

    /// <summary>Heartbeats for one connection; ends quietly when the connection does.</summary>
    private async Task HeartbeatAsync(TimeSpan interval, CancellationToken cancellation)
    {
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                await Task.Delay(interval, options.Time, cancellation).ConfigureAwait(false);
                outbox.Post(new WorkerMessage { Heartbeat = new Heartbeat { Running = subjobs.RunningCount, Sequence = fence.NextHeartbeat() } });
            }
        }
        catch (OperationCanceledException)
        {
            // The connection is over.
        }
    }

    /// <summary>Fences whenever the supervisor has not confirmed hearing from this worker within its heartbeat timeout.</summary>
    private async Task WatchContactAsync(CancellationToken stop)
    {
        if (!Fencing)
        {
            return;
        }

        while (!stop.IsCancellationRequested)
        {
            var changed = fence.Changed;
            switch (fence.Remaining())
            {
                case null:
                    await changed.WaitAsync(stop).ConfigureAwait(false);
                    break;
                case { } remaining when remaining > TimeSpan.Zero:
                    // A confirmation meanwhile only moves the deadline later, so waking at this one is never late.
                    await Task.Delay(remaining, options.Time, stop).ConfigureAwait(false);
                    break;
                default:
                    if (fence.Expire())
                    {
                        await FenceAsync().ConfigureAwait(false);
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Ends every subjob and instance here, within the supervisor's margin, and drops the connection: the
    /// supervisor may already count this worker's work as lost and start it elsewhere once the margin is over.
    /// </summary>
    private async Task FenceAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fencing = done.Task;
        try
        {
            var grace = TimeSpan.FromTicks(Math.Min(options.StopGrace.Ticks, fence.Margin.Ticks / 3));
            var instanceCount = instances.Count;
            var (subjobCount, subjobsStopped) = subjobs.Fence(grace);
            _cutOff?.TrySetResult();
            LogFenced(Name, (int)(fence.Timeout ?? TimeSpan.Zero).TotalSeconds, subjobCount, instanceCount);
            await Task.WhenAll(subjobsStopped, instances.StopAllAsync(grace)).ConfigureAwait(false);
            LogFenceDone(Name, subjobCount);
        }
        finally
        {
            done.TrySetResult();
        }
    }

    /// <summary>The whole cause, e.g. a TLS failure's "the remote certificate is invalid", not just "SSL connection could not be established".</summary>
    private static string Innermost(Exception e)
    {
        var text = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            text += $": {inner.Message}";
        }

        return text;
    }

    private static string Describe(RpcException e) => string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail;

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The connection is over; its tasks end however they end.
        }
    }
}
