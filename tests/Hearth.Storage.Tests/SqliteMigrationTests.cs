namespace Hearth.Storage.Tests;

public sealed class SqliteMigrationTests() : MigrationContract(new SqliteTestStores());
