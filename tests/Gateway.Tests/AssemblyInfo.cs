// Each collection runs a whole system (three silos, gateways, PostgreSQL, Redis); on a two-core machine they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
