using Hearth.Testing;

// Every test starts real supervisor and worker processes; on a small shared machine they run one at a time.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
[assembly: AssemblyFixture(typeof(PostgresServer))]
