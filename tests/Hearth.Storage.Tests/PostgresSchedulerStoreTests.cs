using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresSchedulerStoreTests(PostgresServer server) : SchedulerStoreContract(new PostgresTestStores(server));
