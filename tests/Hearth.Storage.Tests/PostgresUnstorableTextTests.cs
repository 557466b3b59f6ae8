using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresUnstorableTextTests(PostgresServer server) : UnstorableTextContract(new PostgresTestStores(server));
