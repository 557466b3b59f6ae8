// Each test class starts its own cluster of real processes; on a small shared machine they run one at a time.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
