namespace Hearth.Storage.Tests;

public sealed class SqliteRetryTests() : RetryContract(new SqliteTestStores());
