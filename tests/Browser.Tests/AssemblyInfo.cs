// One system and one browser serve every test; the tests share them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: AssemblyTrait(WhatsApp.Testing.TestCategories.Name, WhatsApp.Testing.TestCategories.System)]
