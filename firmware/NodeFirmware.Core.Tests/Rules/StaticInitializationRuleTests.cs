using NodeFirmware.Core.Crypto;

namespace NodeFirmware.Core.Tests.Rules;

/// <summary>docs/firmware-core-rules.md, "Static state": enforced on Core, and shown to catch what it is for.</summary>
public class StaticInitializationRuleTests
{
    [Fact]
    public void Core_has_no_static_initializer_that_depends_on_other_code()
    {
        var violations = StaticInitializerInspector.Violations(typeof(Sha256).Assembly.Location, "NodeFirmware.");
        Assert.True(violations.Count == 0, "static initializers nanoCLR may run before what they read:\n" + string.Join("\n", violations));
    }

    /// <summary>The device adapters and the Loader run on nanoCLR too; the type-check assembly holds them with Core.</summary>
    [Fact]
    public void Device_and_Loader_have_no_static_initializer_that_depends_on_other_code()
    {
        string typeCheck = Path.Combine(AppContext.BaseDirectory, "device-typecheck", "NodeFirmware.Device.TypeCheck.dll");
        var violations = StaticInitializerInspector.Violations(typeCheck, "NodeFirmware.Device.")
            .Concat(StaticInitializerInspector.Violations(typeCheck, "NodeFirmware.Loader.")).ToList();
        Assert.True(violations.Count == 0, "static initializers nanoCLR may run before what they read:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_inspector_flags_calls_reads_and_objects_and_allows_literals()
    {
        var violations = StaticInitializerInspector.Violations(typeof(StaticInitializationRuleTests).Assembly.Location, "NodeFirmware.Core.Tests.Rules.Examples.");
        string all = string.Join("\n", violations);
        Assert.Contains("ReadsAnotherTypesStatic: calls NodeFirmware.Core.Crypto.Field25519.FromInt", all);
        Assert.Contains("ReadsAnotherTypesStatic: reads static field NodeFirmware.Core.Crypto.Field25519+Exponents.PMinus2", all);
        Assert.Contains("ComputesInStaticConstructor: calls NodeFirmware.Core.Tests.Rules.Examples.ComputesInStaticConstructor.Square", all);
        Assert.Contains("CreatesAnObject: creates an object with System.Object..ctor", all);
        Assert.DoesNotContain(violations, v => v.StartsWith("NodeFirmware.Core.Tests.Rules.Examples.LiteralsOnly", StringComparison.Ordinal));
        Assert.True(violations.Count == 4, all);
    }
}
