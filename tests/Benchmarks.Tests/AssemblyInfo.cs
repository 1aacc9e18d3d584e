[assembly: AssemblyTrait(WhatsApp.Testing.TestCategories.Name, WhatsApp.Testing.TestCategories.System)]
