using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Storage.Sqlite;

namespace Hearth.Reservations.Tests.Storage;

public sealed class SqliteReservationStoreTests : ReservationStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hearth-reservations-").FullName;

    protected override Task<IStorageBackend> CreateBackendAsync() => Task.FromResult<IStorageBackend>(SqliteBackend.InDirectory(_directory, TimeProvider.System));

    protected override Task<IStorageBackend> ReopenBackendAsync() => CreateBackendAsync();

    protected override void CleanUp() => Directory.Delete(_directory, recursive: true);
}
