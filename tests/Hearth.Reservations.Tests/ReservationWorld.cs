using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Core.Reservations;
using Hearth.Core.Resources;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Reservations.Tests;

/// <summary>
/// A scheduling loop with no processes: the real warm pool, cluster ledger and placement engine, the reconciler's
/// decisions applied to them the way the supervisor applies them, and events (an instance loads, fails to load,
/// crashes, a worker is lost) injected by the test. Time is a <see cref="FakeTimeProvider"/>.
/// </summary>
internal sealed class ReservationWorld
{
    private readonly Dictionary<string, ReservationHealth> _health = new(StringComparer.Ordinal);
    private readonly List<ReservationDefinition> _reservations = [];
    private long _sequence;
    private long _calls;
    private int _ids;

    private readonly List<string> _locked = [];

    public ReservationWorld(TestCatalog catalog, params (string Name, string Resources)[] workers)
        : this(TestCatalog.T0, catalog, workers)
    {
    }

    public ReservationWorld(DateTimeOffset start, TestCatalog catalog, params (string Name, string Resources)[] workers)
    {
        Time = new FakeTimeProvider(start);
        Catalog = catalog;
        Pool = new WarmPool(WarmPoolSettings.Default, () => $"i{++_ids}");
        foreach (var (name, resources) in workers)
        {
            Cluster.AddHost(name, ResourceTotals.Parse(resources, ResourceScope.Host));
        }
    }

    public FakeTimeProvider Time { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public TestCatalog Catalog { get; }

    public Cluster Cluster { get; } = new();

    public WarmPool Pool { get; }

    public IReadOnlyList<ReservationDefinition> Reservations => _reservations;

    public ReservationPlan? LastPlan { get; private set; }

    public ReservationDefinition Add(string user, string algorithm, string versionType, int count, params ScheduleWindowInput[] schedule)
    {
        var request = new ReservationRequest(user, algorithm, versionType, count.ToString(System.Globalization.CultureInfo.InvariantCulture), schedule);
        var check = ReservationRules.Check(request, $"r{_reservations.Count + 1}", Catalog, _reservations, Now);
        Assert.True(check.IsValid, string.Join("; ", check.Errors));
        _reservations.Add(check.Definition!);
        return check.Definition!;
    }

    public void Remove(string id) => _reservations.RemoveAll(r => r.Id == id);

    public void SetCount(string id, int count)
    {
        var index = _reservations.FindIndex(r => r.Id == id);
        _reservations[index] = _reservations[index].WithCount(count);
    }

    public ReservationSnapshot Snapshot() =>
        new(_reservations.ToList(), Catalog, Pool.Instances.Select(InstanceSnapshot.Of).ToList(), CapacityView.Of(Cluster.Ledger), new Dictionary<string, ReservationHealth>(_health),
            _locked.ToHashSet(StringComparer.Ordinal));

    /// <summary>An admin locks a worker: nothing new is placed there, and the reconciler is told.</summary>
    public void LockWorker(string name)
    {
        Cluster.SetLocked(name, true);
        _locked.Add(name);
    }

    /// <summary>
    /// One pass of the loop as the supervisor runs it: the reservations' decisions applied, the warm-pool policy
    /// (idle timeouts, evictions, withdrawing unplaced starts no one needs), then the next placement cycle.
    /// </summary>
    public ReservationPlan Reconcile()
    {
        var plan = ReservationReconciler.Decide(Snapshot(), Now);
        foreach (var command in plan.Commands)
        {
            switch (command)
            {
                case StartReservedInstance start:
                    Submit(Pool.Start(start.Account, start.Template, start.ReservationId, Now));
                    break;
                case ReserveInstance reserve:
                    Pool.SetReservation(reserve.InstanceId, reserve.ReservationId, Now);
                    break;
                case RetireInstance retire:
                    Stop(retire.InstanceId, retire.Reason);
                    break;
                case ReleaseInstance release:
                    Pool.SetReservation(release.InstanceId, null, Now);
                    break;
            }
        }

        RunPoolPolicy();
        Place();
        LastPlan = plan;
        return plan;
    }

    public ReservationStatus Status(string id) => LastPlan!.StatusOf(id)!;

    /// <summary>Every placed, loading instance prints PIPE_INIT_COMPLETE.</summary>
    public void LoadAll(int? limit = null)
    {
        foreach (var instance in Pool.Instances.Where(i => i.State == InstanceState.Starting && i.Worker is not null).OrderBy(i => i.Id, StringComparer.Ordinal).Take(limit ?? int.MaxValue).ToList())
        {
            Load(instance.Id);
        }
    }

    public void Load(string id)
    {
        var instance = Pool.Find(id)!;
        Pool.Ready(id, Now);
        if (instance.ReservationId is { } reservation)
        {
            _health[reservation] = HealthOf(reservation).WithReady(instance.Template.Hash);
        }
    }

    /// <summary>The instance exits before it is ready, its last log line <paramref name="lastLine"/>.</summary>
    public void FailLoad(string id, string? lastLine)
    {
        var instance = Pool.Find(id)!;
        Gone(id, failedLoading: true);
        if (instance.ReservationId is { } reservation)
        {
            _health[reservation] = HealthOf(reservation).WithLoadFailure(instance.Template.Hash, Now, lastLine);
        }
    }

    public void Crash(string id) => Gone(id, failedLoading: false);

    public void LoseWorker(string name)
    {
        foreach (var work in Cluster.HostDown(name))
        {
            RemoveInstance(work.Id, failedLoading: false);
        }
    }

    /// <summary>A worker registers; the next pass of the loop places work on it.</summary>
    public void AddWorker(string name, string resources) => Cluster.AddHost(name, ResourceTotals.Parse(resources, ResourceScope.Host));

    /// <summary>
    /// A warm instance a worker reports when it registers with a restarted supervisor: taken into the pool as an
    /// on-demand idle instance, its resources onto the ledger as running work.
    /// </summary>
    public AlgorithmInstance AdoptRunning(string id, string account, string hash, string worker)
    {
        var entry = Catalog.FindAlgorithm(new AlgorithmName("acme", "model"))!;
        var template = new InstanceTemplate(entry.Name, hash, entry.HighestVersionOf(hash, publicOnly: false)?.Version, entry.FindBuild(hash)!.Manifest.Resources);
        var allocation = new Allocation(template.Resources.EffectiveItems().Select(i => KeyValuePair.Create(i.Resource, i.Min)));
        Cluster.Adopt(new RunningWork(new WorkRequest(id, template.Resources, Pool.Settings.InstancePriority, _sequence++), worker, allocation));
        return Pool.Adopt(id, account, template, worker, Now);
    }

    /// <summary>Holds resources with a job, as other work on the cluster does.</summary>
    public void RunJob(string id, string reservations)
    {
        Cluster.Submit(new WorkRequest(id, ResourceRequest.Parse(reservations), WorkRequest.DefaultPriority, _sequence++));
        Place();
        Assert.NotNull(Cluster.FindRunning(id));
    }

    /// <summary>A call from <paramref name="account"/> to <paramref name="hash"/>; returns the instance serving it at once, or null if it waits.</summary>
    public AlgorithmInstance? Call(string account, string hash)
    {
        var entry = Catalog.FindAlgorithm(new AlgorithmName("acme", "model"))!;
        var build = entry.FindBuild(hash)!;
        var template = new InstanceTemplate(entry.Name, hash, entry.HighestVersionOf(hash, publicOnly: false)?.Version, build.Manifest.Resources);
        var route = Pool.Route(++_calls, account, template, Now.AddMinutes(5), Now);
        if (route is RoutedQueued { Started: { } started })
        {
            Submit(started);
            Place();
        }

        return (route as RoutedWarm)?.Instance;
    }

    /// <summary>A call that finds no warm instance: an on-demand one cold-starts, loads, serves it, and is idle after.</summary>
    public AlgorithmInstance ColdCall(string account, string hash)
    {
        Assert.Null(Call(account, hash));
        var started = Pool.Instances.Single(i => i.Account == account && i.State == InstanceState.Starting && i.ReservationId is null);
        Load(started.Id);
        Assert.Equal(InstanceState.Busy, started.State);
        Finish(started);
        return started;
    }

    public void Finish(AlgorithmInstance instance) => Pool.Finished(instance.Id, Now);

    /// <summary>The ordinary warm-pool policy: idle timeouts and evictions, applied and the stopped instances gone.</summary>
    public WarmPoolPlan RunPoolPolicy()
    {
        var plan = WarmPoolPolicy.Decide(Pool, Cluster, Now);
        WarmPoolPolicy.Apply(Pool, plan, Now);
        foreach (var instance in plan.Withdrawn)
        {
            Cluster.Withdraw(instance.Id);
        }

        foreach (var stop in plan.Stops)
        {
            Gone(stop.Instance.Id, failedLoading: false);
        }

        return plan;
    }

    public List<AlgorithmInstance> Reserved(string reservationId) =>
        Pool.Instances.Where(i => i.ReservationId == reservationId).OrderBy(i => i.Id, StringComparer.Ordinal).ToList();

    public int WarmReserved(string reservationId) =>
        Pool.Instances.Count(i => i.ReservationId == reservationId && i.State is InstanceState.Idle or InstanceState.Busy);

    private ReservationHealth HealthOf(string reservation) => _health.GetValueOrDefault(reservation) ?? ReservationHealth.Healthy;

    private void Submit(AlgorithmInstance instance) =>
        Cluster.Submit(instance.ToWorkRequest(Pool.Settings.InstancePriority, _sequence++));

    private void Place()
    {
        var plan = PlacementEngine.Decide(Cluster);
        Cluster.Apply(plan);
        foreach (var dispatch in plan.Decisions.OfType<DispatchDecision>())
        {
            if (Pool.Find(dispatch.WorkId) is not null)
            {
                Pool.Placed(dispatch.WorkId, dispatch.Host);
            }
        }
    }

    /// <summary>A stop: unplaced work is withdrawn from the queue, placed work stops on its worker (at once, here).</summary>
    private void Stop(string id, string reason)
    {
        Pool.Stop(id, reason);
        Gone(id, failedLoading: false);
    }

    private void Gone(string id, bool failedLoading)
    {
        if (!Cluster.Withdraw(id))
        {
            Cluster.Finish(id);
        }

        RemoveInstance(id, failedLoading);
    }

    private void RemoveInstance(string id, bool failedLoading)
    {
        var outcome = Pool.Remove(id, failedLoading, Now);
        foreach (var replacement in outcome.Replacements)
        {
            Submit(replacement);
        }

        Place();
    }
}
