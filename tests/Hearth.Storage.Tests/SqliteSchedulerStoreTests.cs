namespace Hearth.Storage.Tests;

public sealed class SqliteSchedulerStoreTests() : SchedulerStoreContract(new SqliteTestStores());
