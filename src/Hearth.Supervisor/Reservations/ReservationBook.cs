using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Reservations;

/// <summary>
/// The supervisor's reservations in memory: their definitions (as stored), the status of each from the last
/// reconciliation, the routes the call path consults, the health of each reservation's loads, and call counters not
/// yet written to storage. Thread-safe: the API, the page, the call path and the scheduling loop all use it.
/// </summary>
internal sealed class ReservationBook : IReservationHooks
{
    private const string LastOutput = "; last output: ";

    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, Entry> _entries = [];
    private readonly Dictionary<string, ReservationHealth> _health = new(StringComparer.Ordinal);
    private readonly Dictionary<long, (long Warm, long Spilled)> _unflushed = [];
    private Dictionary<string, ReservationStatus> _statuses = new(StringComparer.Ordinal);
    private ReservationRoutes _routes = ReservationRoutes.Empty;

    private sealed record Entry(ReservationDefinition Definition, ReservationRecord Record);

    /// <summary>Raised when a reservation is added, changed or removed, so the loop reconciles soon.</summary>
    public event Action? Changed;

    public ReservationRoutes Routes => Volatile.Read(ref _routes);

    public void Load(IEnumerable<ReservationRecord> records)
    {
        lock (_gate)
        {
            _entries.Clear();
            foreach (var record in records)
            {
                _entries[record.Id] = new Entry(ReservationRecords.ToDefinition(record), record);
            }
        }
    }

    public IReadOnlyList<ReservationDefinition> Definitions()
    {
        lock (_gate)
        {
            return [.. _entries.Values.Select(e => e.Definition)];
        }
    }

    public ReservationRecord? Find(long id)
    {
        lock (_gate)
        {
            return _entries.GetValueOrDefault(id)?.Record;
        }
    }

    public void Put(ReservationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            _entries[record.Id] = new Entry(ReservationRecords.ToDefinition(record), record);
        }

        Changed?.Invoke();
    }

    public void Remove(long id)
    {
        lock (_gate)
        {
            _entries.Remove(id);
            _unflushed.Remove(id);
            _health.Remove(ReservationRecords.IdText(id));
        }

        Changed?.Invoke();
    }

    /// <summary>The health of every reservation, for the reconciler's snapshot.</summary>
    public IReadOnlyDictionary<string, ReservationHealth> Health()
    {
        lock (_gate)
        {
            return new Dictionary<string, ReservationHealth>(_health, StringComparer.Ordinal);
        }
    }

    public IReadOnlyList<string> Candidates(string account, AlgorithmName algorithm, VersionReferenceKind reference, string hash) =>
        Routes.Candidates(account, algorithm, reference, hash);

    /// <summary>A reserved instance exited while it loaded; its status shows the last line it printed.</summary>
    public void LoadFailed(string reservationId, string hash, DateTimeOffset at, string reason)
    {
        lock (_gate)
        {
            _health[reservationId] = (_health.GetValueOrDefault(reservationId) ?? ReservationHealth.Healthy).WithLoadFailure(hash, at, LastLine(reason));
        }

        Changed?.Invoke();
    }

    /// <summary>A reserved instance loaded: the build works, and an old build's instance may now retire.</summary>
    public void Loaded(string reservationId, string hash)
    {
        lock (_gate)
        {
            if (_health.TryGetValue(reservationId, out var health))
            {
                _health[reservationId] = health.WithReady(hash);
            }
        }

        Changed?.Invoke();
    }

    public void CallServed(string account, string hash, string? reservationId) => CountCall(account, hash, reservationId);

    /// <summary>
    /// The last line an instance printed, from a worker's exit reason (<c>...; last output: a | b | c</c>), or the whole
    /// reason when it printed nothing.
    /// </summary>
    public static string LastLine(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var at = reason.LastIndexOf(LastOutput, StringComparison.Ordinal);
        if (at < 0)
        {
            return reason;
        }

        var tail = reason[(at + LastOutput.Length)..];
        var last = tail.LastIndexOf(" | ", StringComparison.Ordinal);
        return last < 0 ? tail : tail[(last + 3)..];
    }

    /// <summary>Takes in a reconciliation's statuses and the routes that follow from them.</summary>
    public void Reconciled(IReadOnlyList<ReservationDefinition> reservations, ReservationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var statuses = plan.Statuses.ToDictionary(s => s.ReservationId, StringComparer.Ordinal);
        var routes = ReservationRoutes.Of(reservations, plan);
        lock (_gate)
        {
            _statuses = statuses;
            Volatile.Write(ref _routes, routes);
        }
    }

    /// <summary>Counts a finished call of <paramref name="account"/> on <paramref name="hash"/> toward the reservation that covers it, if any.</summary>
    public void CountCall(string account, string hash, string? servedByReservation)
    {
        if (Routes.Attribute(account, hash, servedByReservation) is not { } attributed
            || !ReservationRecords.TryParseId(attributed.ReservationId, out var id))
        {
            return;
        }

        lock (_gate)
        {
            if (!_entries.ContainsKey(id))
            {
                return;
            }

            var (warm, spilled) = _unflushed.GetValueOrDefault(id);
            _unflushed[id] = attributed.Outcome == ReservedCallOutcome.Warm ? (warm + 1, spilled) : (warm, spilled + 1);
        }
    }

    /// <summary>Counters not yet in storage; after storing them, pass them to <see cref="Flushed"/>.</summary>
    public IReadOnlyList<ReservationCallCounts> PendingCalls()
    {
        lock (_gate)
        {
            return [.. _unflushed.Select(kv => new ReservationCallCounts(kv.Key, kv.Value.Warm, kv.Value.Spilled))];
        }
    }

    /// <summary>Storage now holds <paramref name="counts"/>: they move from the pending counters to the records.</summary>
    public void Flushed(IReadOnlyList<ReservationCallCounts> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        lock (_gate)
        {
            foreach (var count in counts)
            {
                if (_unflushed.TryGetValue(count.Id, out var pending))
                {
                    var left = (pending.Warm - count.Warm, pending.Spilled - count.Spilled);
                    if (left == (0, 0))
                    {
                        _unflushed.Remove(count.Id);
                    }
                    else
                    {
                        _unflushed[count.Id] = left;
                    }
                }

                if (_entries.TryGetValue(count.Id, out var entry))
                {
                    var record = entry.Record with { WarmCalls = entry.Record.WarmCalls + count.Warm, SpilledCalls = entry.Record.SpilledCalls + count.Spilled };
                    _entries[count.Id] = entry with { Record = record };
                }
            }
        }
    }

    public IReadOnlyList<ReservationView> Views(DateTimeOffset now)
    {
        lock (_gate)
        {
            return [.. _entries.Values.Select(e => View(e, now))];
        }
    }

    public ReservationView? View(long id, DateTimeOffset now)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(id, out var entry) ? View(entry, now) : null;
        }
    }

    private ReservationView View(Entry entry, DateTimeOffset now)
    {
        var definition = entry.Definition;
        var record = entry.Record;
        var (warm, spilled) = _unflushed.GetValueOrDefault(record.Id);
        var status = _statuses.TryGetValue(definition.Id, out var s)
            ? new ReservationStatusView(s.Desired, s.Ready, s.Starting, s.StateName, s.Reason, s.Retiring, s.TargetHash, s.TargetVersion)
            : new ReservationStatusView(definition.DesiredAt(now), 0, 0, ReservationStates.Pending, "waiting for the scheduler to take it up", 0, null, null);
        return new ReservationView(
            record.Id,
            definition.CallingUser,
            definition.AlgorithmPath,
            definition.VersionType.Name(),
            definition.Count,
            definition.Schedule?.Windows.Select(w => new ScheduleWindowView(w.Start, w.End, w.Count)).ToList() ?? [],
            definition.Schedule?.TimeZone ?? "UTC",
            definition.CreatedAt,
            status,
            new ReservationCallsView(record.WarmCalls + warm, record.SpilledCalls + spilled));
    }
}
