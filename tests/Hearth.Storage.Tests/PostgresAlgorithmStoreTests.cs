using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresAlgorithmStoreTests(PostgresServer server) : AlgorithmStoreContract(new PostgresTestStores(server));
