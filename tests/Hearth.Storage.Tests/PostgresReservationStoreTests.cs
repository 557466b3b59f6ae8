using Hearth.Reservations.Tests.Storage;
using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Storage.Postgres;
using Hearth.Testing;

namespace Hearth.Storage.Tests;

/// <summary>The reservation store's contract (written beside the reservations feature) run on PostgreSQL too.</summary>
public sealed class PostgresReservationStoreTests(PostgresServer server) : ReservationStoreContract
{
    private string? _connection;

    protected override async Task<IStorageBackend> CreateBackendAsync()
    {
        _connection = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        return new PostgresBackend(_connection, TimeProvider.System);
    }

    protected override Task<IStorageBackend> ReopenBackendAsync() => Task.FromResult<IStorageBackend>(new PostgresBackend(_connection!, TimeProvider.System));

    protected override void CleanUp()
    {
        // The database goes with the test server.
    }
}
