using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Reservations;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Hearth.Supervisor.Tests;

/// <summary>The scheduling loop with reservations, over a store whose reads hang: the cycle's only I/O is its commit.</summary>
public sealed class BlockedStoreTests : LoopStoreFixture
{
    [Fact]
    public async Task JobsAreDispatchedWhileReservationReadsOfTheStoreHang()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Directory.CreateTempSubdirectory("hearth-blocked-");
        var gated = new GatedBackend(Backend);
        await Backend.Accounts.AddAsync(new AccountRecord("alice", AccountKinds.User, Time.GetUtcNow(), 0), ct);
        await Backend.Accounts.AddAsync(new AccountRecord("bob", AccountKinds.User, Time.GetUtcNow(), 0), ct);
        await Backend.Reservations.AddAsync(Reservation("alice"), ct);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(Backend.Scheduler);
        services.AddSingleton(gated.Keys);
        services.AddSingleton(new SchedulerSettings(TimeSpan.FromSeconds(30), new Dictionary<ResourceName, int>()));
        services.AddSingleton<JobWaiters>();
        services.AddSingleton<Scheduler>();
        services.AddAlgorithms(new SupervisorOptions { DataDirectory = data.FullName, Time = Time }, gated);
        services.AddReservations(gated);
        await using var provider = services.BuildServiceProvider();
        var scheduler = provider.GetRequiredService<Scheduler>();
        var reconciliation = provider.GetRequiredService<ReservationReconciliation>();
        await scheduler.StartAsync(ct);
        await reconciliation.StartAsync(ct);
        try
        {
            // From here every read waits. A reservation for an account not loaded yet makes the reservations' inputs
            // read the store, and the loop reconcile.
            gated.Close();
            var added = await Backend.Reservations.AddAsync(Reservation("bob"), ct);
            provider.GetRequiredService<ReservationBook>().Put(added);
            await WithinBound(gated.Waited.ContinueWith(_ => true, ct, TaskContinuationOptions.None, TaskScheduler.Default), "a read to wait at the gate");

            using var session = new WorkerSession("w1");
            await scheduler.ConnectAsync(session, new Register { Name = "w1", Resources = { ["host.processors"] = 2 } });
            var id = await WithinBound(scheduler.SubmitAsync(new JobSubmission("j", ["true"], ResourceRequest.Default, 9999, 1, null)), "the submission");
            SupervisorMessage? assign = null;
            while (assign is null)
            {
                var message = await WithinBound(session.Outgoing.ReadAsync(ct).AsTask(), "the job's assignment while the store's reads hang");
                assign = message.BodyCase == SupervisorMessage.BodyOneofCase.Assign ? message : null;
            }

            Assert.Equal(id, assign.Assign.JobId);
        }
        finally
        {
            gated.Open();
            await reconciliation.StopAsync(ct);
            await scheduler.StopAsync(ct);
            data.Delete(recursive: true);
        }
    }

    private ReservationRecord Reservation(string user) =>
        new(0, user, "acme", "model", "latest_public", null, 1, null, "UTC", Time.GetUtcNow(), 0, 0, 0);
}
