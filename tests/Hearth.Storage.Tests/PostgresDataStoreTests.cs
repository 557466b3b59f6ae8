using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresDataStoreTests(PostgresServer server) : DataStoreContract(new PostgresTestStores(server));
