using Grpc.Core;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Workers;

/// <summary>
/// The supervisor's end of the worker stream. Reads go straight to the scheduler's inbox; writes come from the
/// session's outbox, batched into as few HTTP/2 flushes as the backlog allows.
/// </summary>
[Authorize(Policy = HearthAuth.WorkerPolicy)]
internal sealed partial class WorkerGatewayService(
    Scheduler scheduler, InstanceBridge instances, IHostApplicationLifetime lifetime, ILogger<WorkerGatewayService> logger) : WorkerGateway.WorkerGatewayBase
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    public override async Task Connect(
        IAsyncStreamReader<WorkerMessage> requestStream,
        IServerStreamWriter<SupervisorMessage> responseStream,
        ServerCallContext context)
    {
        var cancellation = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellation).ConfigureAwait(false))
        {
            return;
        }

        if (requestStream.Current.BodyCase != WorkerMessage.BodyOneofCase.Register)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message on the worker stream must be a Register"));
        }

        var register = requestStream.Current.Register;
        using var session = new WorkerSession(register.Name) { Incarnation = register.Incarnation, Peer = DescribePeer(context.Peer) };
        try
        {
            await scheduler.ConnectAsync(session, register).ConfigureAwait(false);
        }
        catch (WorkerNameTakenException e)
        {
            instances.Disconnected(session);
            LogNameTaken(session.Name, session.Peer, e.Message);
            throw new RpcException(new Status(StatusCode.AlreadyExists, e.Message));
        }
        catch (WorkerRejectedException e)
        {
            instances.Disconnected(session);
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (OperationCanceledException)
        {
            instances.Disconnected(session);
            throw new RpcException(new Status(StatusCode.Unavailable, "the supervisor is stopping"));
        }
        catch (StorageUnavailableException e)
        {
            // The worker keeps its processes and registers again once the store is back.
            instances.Disconnected(session);
            throw new RpcException(new Status(StatusCode.Unavailable, e.Message));
        }

        // A stopping supervisor ends its streams at once: the workers keep their processes and instances and reconnect
        // to the next one, rather than holding the shutdown until the server gives up on them.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, session.Closed, lifetime.ApplicationStopping);
        var writer = WriteAsync(session, responseStream, linked.Token);
        try
        {
            while (await requestStream.MoveNext(linked.Token).ConfigureAwait(false))
            {
                // Instance messages (call results above all) go straight to the warm pool, never through the loop.
                if (!instances.Receive(session, requestStream.Current))
                {
                    scheduler.Receive(session, requestStream.Current);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or RpcException)
        {
            LogStreamEnded(session.Name, e.Message);
        }
        finally
        {
            instances.Disconnected(session);
            scheduler.Disconnected(session);
            await linked.CancelAsync().ConfigureAwait(false);
            try
            {
                await writer.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                // The call is over; nothing more can be sent.
            }
        }
    }

    /// <summary>gRPC's <c>ipv4:127.0.0.1:51234</c> or <c>ipv6:[::1]:51234</c> as an address and port.</summary>
    private static string DescribePeer(string peer) =>
        peer.StartsWith("ipv4:", StringComparison.Ordinal) || peer.StartsWith("ipv6:", StringComparison.Ordinal) ? peer[5..] : peer;

    private static async Task WriteAsync(WorkerSession session, IServerStreamWriter<SupervisorMessage> stream, CancellationToken cancellation)
    {
        var outgoing = session.Outgoing;
        while (await outgoing.WaitToReadAsync(cancellation).ConfigureAwait(false))
        {
            while (outgoing.TryRead(out var message))
            {
                // Only the last message of a backlog flushes; the rest ride in the same write.
                stream.WriteOptions = outgoing.TryPeek(out _) ? Buffered : null;
                await stream.WriteAsync(message, cancellation).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused worker {Worker} from {Peer}: {Reason}")]
    private partial void LogNameTaken(string worker, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} stream ended: {Reason}")]
    private partial void LogStreamEnded(string worker, string reason);
}
