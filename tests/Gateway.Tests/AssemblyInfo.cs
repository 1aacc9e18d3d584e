// Each collection runs a whole system (three silos, gateways, PostgreSQL, Redis); on a two-core machine they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: AssemblyTrait(WhatsApp.Testing.TestCategories.Name, WhatsApp.Testing.TestCategories.System)]
