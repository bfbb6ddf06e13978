using NodeFirmware.Nodectl.Audit;

namespace NodeFirmware.Nodectl.Tests.Audit;

public sealed class OperatorNameTests
{
    [Fact]
    public void Option_then_variable_then_USER_and_never_unknown()
    {
        var env = new Dictionary<string, string> { ["USER"] = "login", [OperatorName.EnvironmentVariable] = "lead" };
        Assert.Equal("given", OperatorName.Resolve("given", env.GetValueOrDefault));
        Assert.Equal("lead", OperatorName.Resolve(null, env.GetValueOrDefault));
        Assert.Equal("login", OperatorName.Resolve(" ", new Dictionary<string, string> { ["USER"] = "login" }.GetValueOrDefault));
        var e = Assert.Throws<AuditException>(() => OperatorName.Resolve(null, _ => null));
        Assert.Contains("--operator", e.Message);
        Assert.Throws<AuditException>(() => OperatorName.Resolve("two\nlines", _ => null));
    }
}
