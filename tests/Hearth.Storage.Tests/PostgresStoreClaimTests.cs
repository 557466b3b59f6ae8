using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresStoreClaimTests(PostgresServer server) : StoreClaimContract(new PostgresTestStores(server));
