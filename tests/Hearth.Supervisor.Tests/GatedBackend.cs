using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Tests;

/// <summary>
/// A real backend whose account, algorithm and reservation reads wait while its gate is closed, as a database that
/// stopped answering would; writes and the scheduler's own store pass straight through.
/// </summary>
internal sealed class GatedBackend(IStorageBackend inner) : IStorageBackend
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _open = Opened();
    private readonly TaskCompletionSource _waited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a read first finds the gate closed.</summary>
    public Task Waited => _waited.Task;

    public string Name => inner.Name;

    public ISchedulerStore Scheduler => inner.Scheduler;

    public IJobQueries Jobs => inner.Jobs;

    public IFrameQueries Frames => inner.Frames;

    public IKeyStore Keys => inner.Keys;

    public IAccountStore Accounts => new GatedAccounts(inner.Accounts, this);

    public IAlgorithmStore Algorithms => new GatedAlgorithms(inner.Algorithms, this);

    public IReservationStore Reservations => new GatedReservations(inner.Reservations, this);

    public IDataStore Data => inner.Data;

    public void Close()
    {
        lock (_lock)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Open()
    {
        lock (_lock)
        {
            _open.TrySetResult();
        }
    }

    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken) => inner.MigrateAsync(cancellationToken);

    public Task<IStoreClaim> ClaimAsync(TimeSpan wait, CancellationToken cancellationToken) => inner.ClaimAsync(wait, cancellationToken);

    public Task<StoreStatus> CheckAsync(CancellationToken cancellationToken) => inner.CheckAsync(cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task<T> Read<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        Task open;
        lock (_lock)
        {
            open = _open.Task;
        }

        if (!open.IsCompleted)
        {
            _waited.TrySetResult();
            await open.WaitAsync(cancellationToken);
        }

        return await read();
    }

    private sealed class GatedAccounts(IAccountStore inner, GatedBackend gate) : IAccountStore
    {
        public Task<AccountRecord?> FindAsync(string name, CancellationToken cancellationToken) =>
            gate.Read(() => inner.FindAsync(name, cancellationToken), cancellationToken);

        public Task<IReadOnlyList<AccountRecord>> ListAsync(CancellationToken cancellationToken) =>
            gate.Read(() => inner.ListAsync(cancellationToken), cancellationToken);

        public Task AddAsync(AccountRecord account, CancellationToken cancellationToken) => inner.AddAsync(account, cancellationToken);

        public Task<bool> AddMemberAsync(string org, string member, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.AddMemberAsync(org, member, at, cancellationToken);

        public Task<IReadOnlyList<string>> MembersOfAsync(string org, CancellationToken cancellationToken) =>
            gate.Read(() => inner.MembersOfAsync(org, cancellationToken), cancellationToken);

        public Task<IReadOnlyList<string>> OrganizationsOfAsync(string member, CancellationToken cancellationToken) =>
            gate.Read(() => inner.OrganizationsOfAsync(member, cancellationToken), cancellationToken);
    }

    private sealed class GatedAlgorithms(IAlgorithmStore inner, GatedBackend gate) : IAlgorithmStore
    {
        public Task<AlgorithmRecord?> FindAsync(string owner, string name, CancellationToken cancellationToken) =>
            gate.Read(() => inner.FindAsync(owner, name, cancellationToken), cancellationToken);

        public Task<bool> AddBuildAsync(BuildRecord build, CancellationToken cancellationToken) => inner.AddBuildAsync(build, cancellationToken);

        public Task AddVersionAsync(VersionRecord version, CancellationToken cancellationToken) => inner.AddVersionAsync(version, cancellationToken);

        public Task<BuildRecord?> FindBuildAsync(string hash, CancellationToken cancellationToken) =>
            gate.Read(() => inner.FindBuildAsync(hash, cancellationToken), cancellationToken);

        public Task<IReadOnlyList<(string Owner, string Name)>> ListAsync(CancellationToken cancellationToken) =>
            gate.Read(() => inner.ListAsync(cancellationToken), cancellationToken);
    }

    private sealed class GatedReservations(IReservationStore inner, GatedBackend gate) : IReservationStore
    {
        public Task<IReadOnlyList<ReservationRecord>> ListAsync(CancellationToken cancellationToken) =>
            gate.Read(() => inner.ListAsync(cancellationToken), cancellationToken);

        public Task<ReservationRecord> AddAsync(ReservationRecord reservation, CancellationToken cancellationToken) => inner.AddAsync(reservation, cancellationToken);

        public Task<ReservationRecord?> SetCountAsync(long id, int count, long expectedVersion, CancellationToken cancellationToken) =>
            inner.SetCountAsync(id, count, expectedVersion, cancellationToken);

        public Task<bool> RemoveAsync(long id, CancellationToken cancellationToken) => inner.RemoveAsync(id, cancellationToken);

        public Task AddCallsAsync(IReadOnlyList<ReservationCallCounts> counts, CancellationToken cancellationToken) => inner.AddCallsAsync(counts, cancellationToken);
    }
}
