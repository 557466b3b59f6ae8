using Hearth.Core.Placement;
using Hearth.Core.Reservations;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Reservations;

/// <summary>
/// The reservations' step of the scheduling loop: a snapshot (reservations, what they resolve to, every instance, the
/// ledger's free capacity, each reservation's health), the pure <see cref="ReservationReconciler.Decide"/>, then its
/// commands applied to the instance pool. It also loads the reservations at start and writes the call counters.
/// </summary>
internal sealed partial class ReservationReconciliation : IReservationWork, IHostedService, IDisposable
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly IReservationStore _store;
    private readonly ReservationBook _book;
    private readonly ReservationCatalogSource _catalogs;
    private readonly InstancePool _pool;
    private readonly IInstanceLedger _loop;
    private readonly AlgorithmCatalog _algorithms;
    private readonly TimeProvider _time;
    private readonly ILogger<ReservationReconciliation> _logger;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private bool _loaded;
    private bool _wasIdle;
    private DateTimeOffset _lastFlush;

    public ReservationReconciliation(
        IReservationStore store, ReservationBook book, ReservationCatalogSource catalogs, InstancePool pool, IInstanceLedger loop,
        AlgorithmCatalog algorithms, TimeProvider time, ILogger<ReservationReconciliation> logger)
    {
        _store = store;
        _book = book;
        _catalogs = catalogs;
        _pool = pool;
        _loop = loop;
        _algorithms = algorithms;
        _time = time;
        _logger = logger;
        _lastFlush = time.GetUtcNow();
        _book.Changed += loop.Nudge;
        _algorithms.Changed += loop.Nudge;
    }

    public async Task StartAsync(CancellationToken cancellationToken) => await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);

    public async Task StopAsync(CancellationToken cancellationToken) => await FlushAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// One reconciliation. A failure here (the store unreachable, say) is logged and retried shortly; it never stops
    /// the scheduling loop, and the instances keep their reservations meanwhile.
    /// </summary>
    public async Task<DateTimeOffset?> ReconcileAsync(Cluster cluster, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await ReconcileOnceAsync(cluster, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e);
            return now + RetryAfterFailure;
        }
    }

    private async Task<DateTimeOffset?> ReconcileOnceAsync(Cluster cluster, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        var reservations = _book.Definitions();
        var instances = _pool.Snapshot();
        var idle = reservations.Count == 0 && instances.Count == 0;
        if (idle && _wasIdle)
        {
            // Nothing reserved and no instance to hold or let go, as at the last pass: nothing to decide. Under job
            // load the loop cycles hundreds of times a second, and each pass would look at every host's capacity.
            return await FlushWhenDueAsync(now, null, cancellationToken).ConfigureAwait(false);
        }

        var catalog = await _catalogs.ForAsync(reservations, cancellationToken).ConfigureAwait(false);
        var snapshot = new ReservationSnapshot(reservations, catalog, instances, CapacityView.Of(cluster.Ledger), _book.Health(), LockedWorkers(cluster.Ledger));
        var plan = ReservationReconciler.Decide(snapshot, now);
        foreach (var command in plan.Commands)
        {
            Apply(command, catalog);
        }

        _book.Reconciled(reservations, plan);
        _wasIdle = idle;
        return await FlushWhenDueAsync(now, plan.NextDue, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The hosts an admin has locked; usually none, so no set is made.</summary>
    private static HashSet<string>? LockedWorkers(Ledger ledger)
    {
        HashSet<string>? locked = null;
        for (var host = 0; host < ledger.HostCount; host++)
        {
            if (ledger.IsLocked(host))
            {
                (locked ??= new HashSet<string>(StringComparer.Ordinal)).Add(ledger.HostName(host));
            }
        }

        return locked;
    }

    /// <summary>Writes the call counters every <see cref="FlushInterval"/>; returns when the loop should come back.</summary>
    private async Task<DateTimeOffset?> FlushWhenDueAsync(DateTimeOffset now, DateTimeOffset? nextDue, CancellationToken cancellationToken)
    {
        if (now - _lastFlush >= FlushInterval)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        var flushDue = _book.PendingCalls().Count > 0 ? _lastFlush + FlushInterval : (DateTimeOffset?)null;
        return nextDue is { } due && (flushDue is null || due < flushDue) ? due : flushDue;
    }

    public void Dispose()
    {
        _book.Changed -= _loop.Nudge;
        _algorithms.Changed -= _loop.Nudge;
        _loading.Dispose();
    }

    private void Apply(ReservationCommand command, CatalogSnapshot catalog)
    {
        switch (command)
        {
            case StartReservedInstance start:
                var launch = catalog.Launch(start.Template.Algorithm, start.Template.Hash, _pool.Settings.LoadTimeout);
                if (launch is null)
                {
                    LogNoLaunch(start.ReservationId, start.Template.Hash);
                    return;
                }

                var id = _pool.StartReserved(start.ReservationId, start.Account, start.Template, launch);
                LogStarted(start.ReservationId, id, start.Template.Algorithm.ToString(), start.Template.Hash);
                break;
            case ReserveInstance reserve:
                _pool.SetReservation(reserve.InstanceId, reserve.ReservationId);
                LogReserved(reserve.ReservationId, reserve.InstanceId);
                break;
            case ReleaseInstance release:
                _pool.SetReservation(release.InstanceId, null);
                LogReleased(release.ReservationId, release.InstanceId, release.Reason);
                break;
            case RetireInstance retire:
                _pool.Retire(retire.InstanceId, retire.Reason);
                LogRetired(retire.ReservationId, retire.InstanceId, retire.Reason);
                break;
            default:
                throw new InvalidOperationException($"unknown reservation command {command.GetType().Name}");
        }
    }

    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _loaded))
        {
            return;
        }

        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_loaded)
            {
                var records = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
                _book.Load(records);
                Volatile.Write(ref _loaded, true);
                LogLoaded(records.Count);

                // The loop may be idle, with no worker connected yet: the first pass says so in each status.
                _loop.Nudge();
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        _lastFlush = _time.GetUtcNow();
        var pending = _book.PendingCalls();
        if (pending.Count == 0)
        {
            return;
        }

        await _store.AddCallsAsync(pending, cancellationToken).ConfigureAwait(false);
        _book.Flushed(pending);
    }
}
