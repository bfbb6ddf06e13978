using NodeFirmware.Receiver.Access;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Hosting;

/// <summary>
/// <c>Receiver token create|list|revoke --store ...</c>: API tokens managed by whoever can open the store (the
/// receiver's operator on its machine). A created secret is printed once, or written to --out with mode 0600.
/// </summary>
public static class TokenCommand
{
    public const string Usage = """
        usage: Receiver token create --store <spec> --role viewer|operator|provisioner|admin --name <name> [--out <file>]
               Receiver token list   --store <spec>
               Receiver token revoke --store <spec> --id <token id>
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is not ("create" or "list" or "revoke"))
        {
            error.WriteLine(Usage);
            return 2;
        }
        var options = new Dictionary<string, string>();
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] is not ("--store" or "--role" or "--name" or "--out" or "--id") || i + 1 >= args.Length)
            {
                error.WriteLine($"unknown option or missing value: '{args[i]}'\n{Usage}");
                return 2;
            }
            options[args[i]] = args[++i];
        }
        if (!options.TryGetValue("--store", out var spec))
        {
            error.WriteLine("--store is required\n" + Usage);
            return 2;
        }
        try
        {
            TelemetryStoreFactory.Validate(spec);
            await using var source = DbSource.Create(spec);
            var store = new SqlAccessStore(source);
            await store.MigrateAsync();
            var tokens = new AccessTokens(store, new AuditTrail(store, TimeProvider.System), TimeProvider.System);
            switch (args[0])
            {
                case "create":
                    var issued = await tokens.CreateAsync(options.GetValueOrDefault("--name", ""), options.GetValueOrDefault("--role", ""), Caller.CommandLine());
                    if (options.TryGetValue("--out", out var file))
                    {
                        AdminBootstrap.WriteOwnerOnly(file, issued.Secret + "\n");
                        output.WriteLine($"token {issued.Token.Id} ({issued.Token.Role}, {issued.Token.Name}) written to {Path.GetFullPath(file)}");
                    }
                    else
                    {
                        output.WriteLine(issued.Secret);
                        error.WriteLine($"token {issued.Token.Id} ({issued.Token.Role}, {issued.Token.Name}): shown once, keep it safe");
                    }
                    return 0;
                case "list":
                    foreach (var t in await tokens.ListAsync())
                        output.WriteLine($"{t.Id}  {t.Role,-11}  {t.Name,-20}  created {t.CreatedAt:u} by {t.CreatedBy}{(t.IsActive ? "" : $"  revoked {t.RevokedAt:u}")}");
                    return 0;
                default:
                    if (!options.TryGetValue("--id", out var id)) throw new ArgumentException("--id is required");
                    if (!await tokens.RevokeAsync(id, Caller.CommandLine()))
                    {
                        error.WriteLine($"no active token '{id}'");
                        return 1;
                    }
                    output.WriteLine($"token {id} revoked");
                    return 0;
            }
        }
        catch (ArgumentException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
    }
}
