using System.Text;
using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Reservations;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hearth.Supervisor.Tests;

/// <summary>
/// How many scheduling-loop cycles an instance's start costs, counted on the real loop (its store, inbox, warm
/// pool and reservation reconciliation) with a modelled worker and a fake clock that never moves, so no timer
/// wakes the loop. Each cycle is a commit; the counts are the fewest the design allows.
/// </summary>
public sealed class InstanceCycleTests : LoopStoreFixture
{
    private const string Hash = "0123456789abcdef0123456789abcdef01234567";
    private static readonly InstanceTemplate Template = new(
        AlgorithmName.Parse("alice/echo"), Hash, SemanticVersion.Parse("1.0.0"), ResourceRequest.Parse("host.processors=1"));

    private readonly SchedulerInbox _inbox = new();
    private readonly WorkerSessions _sessions = new();
    private readonly ReservationBook _book = new();
    private InstancePool _pool = null!;
    private InstanceBridge _bridge = null!;

    /// <summary>The warm pool, as the supervisor builds it: it posts to the loop's inbox and sends on the sessions the loop publishes.</summary>
    private InstancePool NewPool()
    {
        var keys = new InstanceKeys();
        var grants = new BuildGrants();
        _pool = new InstancePool(InstancePoolSettings.Default, _inbox, new InstanceTransport(_sessions, keys, grants), new AlgorithmMetrics(), Time, _book);
        _bridge = new InstanceBridge(_pool, keys, grants, Time);
        return _pool;
    }

    private Scheduler NewScheduler(IReservationWork? reservations = null) =>
        new(
            Backend.Scheduler, new SchedulerSettings(TimeSpan.FromSeconds(30), new Dictionary<ResourceName, int>()), Time, new JobWaiters(),
            NullLogger<Scheduler>.Instance, null, _bridge, reservations, _inbox, _sessions);

    private static async Task<WorkerSession> ConnectAsync(Scheduler scheduler)
    {
        var session = new WorkerSession("w1") { Incarnation = "w1-1" };
        await WithinBound(scheduler.ConnectAsync(session, new Register { Name = "w1", Incarnation = "w1-1", Resources = { ["host.processors"] = 2 } })
            .ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default), "the worker to register");
        return session;
    }

    /// <summary>The cycles the loop ran since <paramref name="before"/>, once every command posted so far is handled (an audit, not counted, is the last).</summary>
    private static async Task<long> CyclesSinceAsync(Scheduler scheduler, long before)
    {
        await WithinBound(scheduler.AuditAsync(), "the loop to handle everything posted");
        return scheduler.Cycles - before - 1;
    }

    private static async Task<SupervisorMessage> NextAsync(WorkerSession session, SupervisorMessage.BodyOneofCase kind)
    {
        while (true)
        {
            var message = await WithinBound(session.Outgoing.ReadAsync(TestContext.Current.CancellationToken).AsTask(), $"a {kind} message");
            if (message.BodyCase == kind)
            {
                return message;
            }
        }
    }

    private void Ready(WorkerSession session, string instanceId) =>
        Assert.True(_bridge.Receive(session, new WorkerMessage { InstanceReady = new InstanceReady { InstanceId = instanceId, LoadMs = 10 } }));

    [Fact]
    public async Task AColdStartTakesOneLoopCycleFromTheCallToItsReply()
    {
        using var pool = NewPool();
        await using var scheduler = NewScheduler();
        await scheduler.StartAsync(TestContext.Current.CancellationToken);
        using var session = await ConnectAsync(scheduler);
        var before = scheduler.Cycles;

        var request = PipeProtocol.EncodeRequest(PayloadType.Json, Encoding.UTF8.GetBytes("1"));
        var launch = new InstanceLaunchInfo(["python3", "main.py"], null, TimeSpan.FromMinutes(5));
        var call = _pool.CallAsync("alice", Template, launch, request, TimeSpan.FromSeconds(30), [], TestContext.Current.CancellationToken);
        var start = (await NextAsync(session, SupervisorMessage.BodyOneofCase.StartInstance)).StartInstance;
        Ready(session, start.InstanceId);
        var sent = (await NextAsync(session, SupervisorMessage.BodyOneofCase.CallInstance)).CallInstance;
        _bridge.Receive(session, new WorkerMessage
        {
            CallResult = new CallResult
            {
                InstanceId = sent.InstanceId, CallId = sent.CallId, Kind = CallResultKind.Replied,
                Response = Google.Protobuf.ByteString.CopyFromUtf8("""{"result":1,"content_type":"json"}""" + "\n"),
            },
        });

        var outcome = await WithinBound(call, "the call's reply");
        Assert.Equal(CallStatus.Ok, outcome.Status);
        Assert.True(outcome.ColdStart);
        // One cycle queues and places the instance's work; its load and its call never pass through the loop.
        Assert.Equal(1, await CyclesSinceAsync(scheduler, before));
    }

    [Fact]
    public async Task AReservationIsWarmAndShownReadyTwoLoopCyclesAfterItIsAdded()
    {
        var cancel = TestContext.Current.CancellationToken;
        await Backend.Accounts.AddAsync(new AccountRecord("alice", AccountKinds.User, Time.GetUtcNow(), 0), cancel);
        await Backend.Algorithms.AddBuildAsync(new BuildRecord("alice", "echo", Hash, "content",
            """{"entrypoint": ["python3", "main.py"], "reservations": "host.processors=1"}""", new string('c', 64), 10, Time.GetUtcNow()), cancel);
        await Backend.Algorithms.AddVersionAsync(new VersionRecord("alice", "echo", "1.0.0", Hash, "public", Time.GetUtcNow()), cancel);

        var builds = Directory.CreateTempSubdirectory("hearth-builds-");
        var accounts = new AccountService(Backend.Accounts, Backend.Keys, Time);
        using var algorithms = new AlgorithmCatalog(Backend.Algorithms, accounts, new BuildStore(builds.FullName), Time);
        var source = new ReservationCatalogSource(Backend.Accounts, accounts, algorithms);
        using var inputs = new ReservationInputs(_book, source, algorithms, accounts, Time, NullLogger<ReservationInputs>.Instance);
        using var pool = NewPool();
        var reconciliation = new ReservationReconciliation(Backend.Reservations, _book, inputs, pool, _inbox, algorithms, Time, NullLogger<ReservationReconciliation>.Instance);
        await using var scheduler = NewScheduler(reconciliation);
        try
        {
            await scheduler.StartAsync(cancel);
            await reconciliation.StartAsync(cancel);
            using var session = await ConnectAsync(scheduler);
            var before = scheduler.Cycles;

            var service = new ReservationService(Backend.Reservations, _book, source, Time);
            var added = await service.AddAsync(new ReservationRequest("alice", "alice/echo", "latest_public", "1"), cancel);
            Assert.True(added.Succeeded, string.Join("; ", added.Errors.Select(e => e.Message)));
            var start = (await NextAsync(session, SupervisorMessage.BodyOneofCase.StartInstance)).StartInstance;
            Ready(session, start.InstanceId);

            var id = added.Reservation!.Id;
            for (var i = 0; i < 100 && service.Find(id)!.Status.Ready != 1; i++)
            {
                await Task.Delay(10, cancel);
            }

            Assert.Equal(1, service.Find(id)!.Status.Ready);
            // One cycle starts and places the reserved instance; one more, after it loaded, shows it ready.
            Assert.Equal(2, await CyclesSinceAsync(scheduler, before));
        }
        finally
        {
            await reconciliation.StopAsync(CancellationToken.None);
            reconciliation.Dispose();
            builds.Delete(recursive: true);
        }
    }
}
