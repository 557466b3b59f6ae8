namespace Hearth.Storage.Tests;

public sealed class SqliteAccountLimitTests() : AccountLimitContract(new SqliteTestStores());
