using System.Globalization;
using Hearth.Core.Algorithms;

namespace Hearth.Core.Reservations;

/// <summary>
/// The reservations' part of the scheduling loop, pure: from a snapshot and the time, the commands that keep each
/// reservation's instances warm, and every reservation's status.
/// <list type="bullet">
/// <item>Warm-up: an on-demand instance of the target for the account is taken over first; then new ones start.</item>
/// <item>Instances that crash, fail to load or vanish with their worker simply drop out of the snapshot, so the next
/// decision starts replacements. A build that keeps failing to load is retried one instance at a time, backing off.</item>
/// <item>Make-before-break: when the target moves to another build, instances of the old one keep serving and retire
/// only as the new one's become warm, so warm instances never drop below the count.</item>
/// <item>Make-before-break off a locked worker: instances there count as old ones, so replacements start elsewhere
/// and the ones on the locked worker retire only as those become warm.</item>
/// <item>A lower count (or a closing scheduled window) releases the surplus to the ordinary pool; a higher one starts more.</item>
/// <item>An instance held by a reservation that no longer exists returns to the ordinary pool.</item>
/// </list>
/// </summary>
public static class ReservationReconciler
{
    public static ReservationPlan Decide(ReservationSnapshot snapshot, DateTimeOffset now, ReconcilerSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        settings ??= ReconcilerSettings.Default;
        var commands = new List<ReservationCommand>();
        var statuses = new List<ReservationStatus>(snapshot.Reservations.Count);
        DateTimeOffset? next = null;
        void Due(DateTimeOffset? at) => next = at is { } a && (next is null || a < next) ? a : next;

        var byReservation = snapshot.Instances
            .Where(i => i.ReservationId is not null && i.State != InstanceState.Stopping)
            .GroupBy(i => i.ReservationId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var claimed = new HashSet<string>(StringComparer.Ordinal);

        foreach (var reservation in snapshot.Reservations.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            var mine = byReservation.GetValueOrDefault(reservation.Id) ?? [];
            var round = new Round(reservation, mine, snapshot, now, settings, commands, claimed);
            statuses.Add(round.Run());
            Due(round.NextDue);
        }

        var known = snapshot.Reservations.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, orphans) in byReservation.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!known.Contains(id))
            {
                commands.AddRange(orphans.Select(i => new ReleaseInstance(id, i.Id, $"reservation {id} was removed")));
            }
        }

        return new ReservationPlan(commands, statuses, next);
    }

    /// <summary>One reservation's decisions within a reconciliation.</summary>
    private sealed class Round(
        ReservationDefinition reservation,
        List<InstanceSnapshot> mine,
        ReservationSnapshot snapshot,
        DateTimeOffset now,
        ReconcilerSettings settings,
        List<ReservationCommand> commands,
        HashSet<string> claimed)
    {
        private readonly string _id = reservation.Id;

        public DateTimeOffset? NextDue { get; private set; }

        public ReservationStatus Run()
        {
            var (desired, due) = Desired(reservation, now, settings.ScheduleLead);
            NextDue = due;
            var resolution = ReservationTargets.Resolve(reservation, snapshot.Catalog);
            if (resolution.Target is not { } target)
            {
                foreach (var instance in mine)
                {
                    commands.Add(new ReleaseInstance(_id, instance.Id, $"reservation {_id} cannot resolve its target"));
                }

                return new ReservationStatus(_id, desired, 0, 0, 0, ReservationState.Failing, resolution.Error!.Message, null, null, []);
            }

            var current = mine.Where(i => i.Hash == target.Hash && i.Account == reservation.CallingUser && !snapshot.OnLockedWorker(i)).ToList();
            var old = mine.Except(current).ToList();
            var warm = current.Where(i => i.IsWarm).ToList();
            var starting = current.Where(i => i.State == InstanceState.Starting).ToList();

            Adopt(target, desired, warm, starting);
            var started = Start(target, desired, warm.Count + starting.Count);
            Release(desired, warm, starting);
            var retiring = Retire(old, desired, warm.Count);

            var unplaced = starting.Count(i => i.Worker is null) + started;
            var status = Describe(target, desired, warm.Count, starting.Count + started, unplaced, retiring);
            var serving = new List<string> { target.Hash };
            serving.AddRange(retiring.Select(i => i.Hash).Distinct(StringComparer.Ordinal));
            return status with { ServingHashes = serving };
        }

        /// <summary>
        /// The count wanted now: a window about to open counts from <paramref name="lead"/> before it, so its instances
        /// are warm when it opens; a closing window counts until it closes. Also when that next changes.
        /// </summary>
        private static (int Desired, DateTimeOffset? NextChange) Desired(ReservationDefinition reservation, DateTimeOffset now, TimeSpan lead)
        {
            if (reservation.Schedule is not { } schedule)
            {
                return (reservation.Count, null);
            }

            int At(DateTimeOffset t) => Math.Max(reservation.DesiredAt(t), reservation.DesiredAt(t + lead));
            var desired = At(now);

            // Windows open and close at cron instants; skip those that leave the count as it is (a few at most).
            var t = now;
            for (var step = 0; step < 16; step++)
            {
                if (Earlier(schedule.NextChange(t), schedule.NextChange(t + lead) - lead) is not { } next)
                {
                    return (desired, null);
                }

                if (At(next) != desired)
                {
                    return (desired, next);
                }

                t = next;
            }

            return (desired, t);
        }

        /// <summary>
        /// Takes over the account's on-demand instances of the target, warm ones first, most recently used first: for
        /// what is missing, and then in place of the reservation's own loading instances, since a warm instance beats
        /// one still loading (after a supervisor restart, its workers' instances come back before new ones load).
        /// </summary>
        private void Adopt(ReservationTarget target, int desired, List<InstanceSnapshot> warm, List<InstanceSnapshot> starting)
        {
            var candidates = new Queue<InstanceSnapshot>(snapshot.Instances
                .Where(i => i.ReservationId is null && i.Account == reservation.CallingUser && i.Hash == target.Hash
                    && i.State != InstanceState.Stopping && !claimed.Contains(i.Id) && !snapshot.OnLockedWorker(i))
                .OrderBy(i => i.State switch { InstanceState.Idle => 0, InstanceState.Busy => 1, _ => 2 })
                .ThenByDescending(i => i.LastUsed)
                .ThenBy(i => i.Id, StringComparer.Ordinal));
            for (var missing = desired - warm.Count - starting.Count; missing > 0 && candidates.TryDequeue(out var instance); missing--)
            {
                Take(instance, warm, starting);
            }

            var loading = new Queue<InstanceSnapshot>(starting.OrderBy(i => i.Worker is null ? 0 : 1).ThenByDescending(i => i.Id, StringComparer.Ordinal));
            while (candidates.TryPeek(out var next) && next.IsWarm && loading.TryDequeue(out var replaced))
            {
                Take(candidates.Dequeue(), warm, starting);
                starting.Remove(replaced);
                commands.Add(new ReleaseInstance(_id, replaced.Id, $"reservation {_id} took over a warm instance in its place"));
            }
        }

        private void Take(InstanceSnapshot instance, List<InstanceSnapshot> warm, List<InstanceSnapshot> starting)
        {
            claimed.Add(instance.Id);
            commands.Add(new ReserveInstance(_id, instance.Id));
            (instance.IsWarm ? warm : starting).Add(instance with { ReservationId = _id });
        }

        /// <summary>Starts what is still missing; a build that failed to load gets one probe at a time, after its back-off.</summary>
        private int Start(ReservationTarget target, int desired, int have)
        {
            var missing = desired - have;
            if (missing <= 0)
            {
                return 0;
            }

            // With no worker connected (a supervisor that just restarted, say), wait: a worker that comes back
            // reports the instances it still runs, and those are taken over rather than started again.
            if (!snapshot.Capacity.Hosts.Any(h => h.Up))
            {
                return 0;
            }

            var health = snapshot.HealthOf(_id);
            var failures = health.FailuresOf(target.Hash);
            if (failures > 0)
            {
                var retryAt = health.LastFailureAt!.Value + settings.RetryDelay(failures);
                var probing = mine.Any(i => i.Hash == target.Hash && i.State == InstanceState.Starting);
                if (now < retryAt || probing)
                {
                    NextDue = Earlier(NextDue, now < retryAt ? retryAt : null);
                    return 0;
                }

                missing = 1;
            }

            for (var n = 0; n < missing; n++)
            {
                commands.Add(new StartReservedInstance(_id, reservation.CallingUser, target.Template));
            }

            return missing;
        }

        /// <summary>Returns the surplus over <paramref name="desired"/> to the ordinary pool: loading ones first, then the least recently used.</summary>
        private void Release(int desired, List<InstanceSnapshot> warm, List<InstanceSnapshot> starting)
        {
            var surplus = warm.Count + starting.Count - desired;
            if (surplus <= 0)
            {
                return;
            }

            var order = starting.OrderBy(i => i.Worker is null ? 0 : 1).ThenByDescending(i => i.Id, StringComparer.Ordinal)
                .Concat(warm.OrderBy(i => i.State == InstanceState.Idle ? 0 : 1).ThenBy(i => i.LastUsed).ThenBy(i => i.Id, StringComparer.Ordinal))
                .Take(surplus)
                .ToList();
            foreach (var instance in order)
            {
                commands.Add(new ReleaseInstance(_id, instance.Id, $"reservation {_id} now keeps {desired}"));
                warm.Remove(instance);
                starting.Remove(instance);
            }
        }

        /// <summary>
        /// Retires instances of builds the reservation no longer targets: loading ones at once, warm ones only while the
        /// warm total stays at or above <paramref name="desired"/>, idle ones first. Returns the old ones still serving.
        /// </summary>
        private List<InstanceSnapshot> Retire(List<InstanceSnapshot> old, int desired, int warmOnTarget)
        {
            var oldWarm = old.Where(i => i.IsWarm).ToList();
            foreach (var instance in old.Where(i => !i.IsWarm))
            {
                commands.Add(new RetireInstance(_id, instance.Id, snapshot.OnLockedWorker(instance)
                    ? $"reservation {_id} moves off locked worker {instance.Worker}"
                    : $"reservation {_id} moved to another build"));
            }

            var surplus = warmOnTarget + oldWarm.Count - desired;
            var idle = oldWarm.Where(i => i.State == InstanceState.Idle).OrderBy(i => i.LastUsed).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
            foreach (var instance in idle.Take(Math.Max(0, surplus)))
            {
                commands.Add(new RetireInstance(_id, instance.Id, snapshot.OnLockedWorker(instance)
                    ? $"reservation {_id} is warm again off locked worker {instance.Worker}"
                    : $"reservation {_id} is warm on its new build"));
                oldWarm.Remove(instance);
            }

            return oldWarm;
        }

        private ReservationStatus Describe(ReservationTarget target, int desired, int ready, int starting, int unplaced, List<InstanceSnapshot> retiring)
        {
            ReservationStatus Status(ReservationState state, string reason) =>
                new(_id, desired, ready, starting, retiring.Count, state, reason, target.Hash, target.Build.Version?.ToString(), []);

            var onTarget = target.Describe();
            if (ready >= desired)
            {
                return Status(ReservationState.Ready, retiring.Count > 0
                    ? $"{ready} warm on {onTarget}; retiring {retiring.Count} on {DescribeOld(retiring)} as their calls finish"
                    : $"{ready} warm on {onTarget}");
            }

            var rolling = retiring.Count > 0;
            var prefix = !rolling ? "" : retiring.All(snapshot.OnLockedWorker) ? "moving to other workers: " : $"rolling to {onTarget}: ";
            var suffix = rolling ? $"; {retiring.Count} on {DescribeOld(retiring)} keep serving until then" : "";
            var health = snapshot.HealthOf(_id);
            var failures = health.FailuresOf(target.Hash);
            if (failures > 0)
            {
                var line = health.LastFailure is { } l ? $"instance exits during load: {l}" : "instance exits during load without printing anything";
                var retryAt = health.LastFailureAt!.Value + settings.RetryDelay(failures);
                var when = starting > 0 ? "retrying now" : $"retrying in {Seconds(retryAt - now)}";
                return Status(ReservationState.Failing, $"{prefix}{line} ({failures} in a row; {when}){suffix}");
            }

            var notPlaced = unplaced + Math.Max(0, desired - ready - starting);
            if (CapacityShortfall.Explain(target.Template.Resources, notPlaced, snapshot.Capacity) is { } shortfall)
            {
                return Status(ReservationState.Pending, $"{prefix}{shortfall}{suffix}");
            }

            return Status(ReservationState.Pending, rolling
                ? $"{prefix}{ready} of {desired} warm, {starting} loading{suffix}"
                : $"starting: {ready} of {desired} warm, {starting} loading on {onTarget}");
        }

        private string DescribeOld(List<InstanceSnapshot> retiring)
        {
            if (retiring.Count > 0 && retiring.All(snapshot.OnLockedWorker))
            {
                var locked = retiring.Select(i => i.Worker!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                return $"locked worker{(locked.Count == 1 ? "" : "s")} {string.Join(", ", locked)}";
            }

            var builds = retiring
                .Select(i => i.Version is { } v ? $"{v} ({ReservationTarget.ShortHash(i.Hash)})" : ReservationTarget.ShortHash(i.Hash))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
            return string.Join(", ", builds);
        }

        private static string Seconds(TimeSpan span) =>
            $"{Math.Max(1, (int)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s";

        private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) =>
            a is null ? b : b is null ? a : a < b ? a : b;
    }
}
