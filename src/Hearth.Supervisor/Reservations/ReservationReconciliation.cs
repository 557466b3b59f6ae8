using Hearth.Core.Algorithms;
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
/// commands applied to the instance pool. Nothing here waits on the store: the accounts and algorithms come from
/// <see cref="ReservationInputs"/>, the reservations are loaded at start, and the call counters are written on their
/// own timer, off the loop.
/// </summary>
internal sealed partial class ReservationReconciliation : IReservationWork, IHostedService, IDisposable
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly IReservationStore _store;
    private readonly ReservationBook _book;
    private readonly ReservationInputs _inputs;
    private readonly InstancePool _pool;
    private readonly IInstanceWorkRequests _loop;
    private readonly AlgorithmCatalog _algorithms;
    private readonly TimeProvider _time;
    private readonly ILogger<ReservationReconciliation> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _background = Task.CompletedTask;
    private volatile bool _loaded;
    private bool _wasIdle;

    public ReservationReconciliation(
        IReservationStore store, ReservationBook book, ReservationInputs inputs, InstancePool pool, IInstanceWorkRequests loop,
        AlgorithmCatalog algorithms, TimeProvider time, ILogger<ReservationReconciliation> logger)
    {
        _store = store;
        _book = book;
        _inputs = inputs;
        _pool = pool;
        _loop = loop;
        _algorithms = algorithms;
        _time = time;
        _logger = logger;
        _book.Changed += NudgeIfInputsCover;
        _algorithms.Changed += loop.Nudge;
        _inputs.Refreshed += loop.Nudge;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var records = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        _book.Load(records);
        _loaded = true;
        LogLoaded(records.Count);
        _background = Task.WhenAll(
            Task.Run(() => _inputs.RunAsync(_stopping.Token), CancellationToken.None),
            Task.Run(() => FlushEveryIntervalAsync(_stopping.Token), CancellationToken.None));

        // The loop may be idle, with no worker connected yet: the first pass says so in each status.
        _loop.Nudge();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _background.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped as asked.
        }

        // After the timer's last flush, never beside it: two flushes of the same pending counts would count them twice.
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One reconciliation, from memory. A failure here is logged and retried shortly; it never stops the scheduling
    /// loop, and the instances keep their reservations meanwhile.
    /// </summary>
    public ReservationPass Reconcile(Cluster cluster, DateTimeOffset now)
    {
        var started = new List<AlgorithmInstance>();
        try
        {
            return new ReservationPass(started, ReconcileOnce(cluster, now, started));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e);
            // What it started before it failed is the pool's already: its work still goes to the ledger.
            return new ReservationPass(started, now + RetryAfterFailure);
        }
    }

    private DateTimeOffset? ReconcileOnce(Cluster cluster, DateTimeOffset now, List<AlgorithmInstance> started)
    {
        if (!_loaded)
        {
            // Loading at start nudges the loop when it is done.
            return null;
        }

        var reservations = _book.Definitions();
        var instances = _pool.Snapshot();
        var idle = reservations.Count == 0 && instances.Count == 0;
        if (idle && _wasIdle)
        {
            // Nothing reserved and no instance to hold or let go, as at the last pass: nothing to decide. Under job
            // load the loop cycles hundreds of times a second, and each pass would look at every host's capacity.
            return null;
        }

        if (_inputs.For(reservations) is not { } catalog)
        {
            // A reservation's account or algorithm is being loaded; the load nudges the loop when it is in.
            return null;
        }

        var snapshot = new ReservationSnapshot(reservations, catalog, instances, CapacityView.Of(cluster.Ledger), _book.Health(), LockedWorkers(cluster.Ledger));
        var plan = ReservationReconciler.Decide(snapshot, now);
        foreach (var command in plan.Commands)
        {
            Apply(command, catalog, started);
        }

        _book.Reconciled(reservations, plan);
        _wasIdle = idle;
        return plan.NextDue;
    }

    /// <summary>
    /// A reservation or its health changed: the loop looks again now if it can decide, and otherwise when the
    /// inputs' reload (which the change started) nudges it, so no cycle is spent finding the inputs not there yet.
    /// </summary>
    private void NudgeIfInputsCover()
    {
        if (_inputs.For(_book.Definitions()) is not null)
        {
            _loop.Nudge();
        }
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

    private async Task FlushEveryIntervalAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(FlushInterval, _time, cancellationToken).ConfigureAwait(false);
            try
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The counts stay pending and go with the next flush.
                LogFlushFailed(e);
            }
        }
    }

    public void Dispose()
    {
        _book.Changed -= NudgeIfInputsCover;
        _algorithms.Changed -= _loop.Nudge;
        _inputs.Refreshed -= _loop.Nudge;
        _stopping.Dispose();
    }

    private void Apply(ReservationCommand command, CatalogSnapshot catalog, List<AlgorithmInstance> started)
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

                var instance = _pool.StartReserved(start.ReservationId, start.Account, start.Template, launch);
                started.Add(instance);
                LogStarted(start.ReservationId, instance.Id, start.Template.Algorithm.ToString(), start.Template.Hash);
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

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var pending = _book.PendingCalls();
        if (pending.Count == 0)
        {
            return;
        }

        await _store.AddCallsAsync(pending, cancellationToken).ConfigureAwait(false);
        _book.Flushed(pending);
    }
}
