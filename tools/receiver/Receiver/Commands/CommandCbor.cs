using System.Formats.Cbor;

namespace NodeFirmware.Receiver.Commands;

/// <summary>The wire form of nodes/{id}/cmd ({"id", "op"}) and of the device's cmd/ack ({"id", "ok", "err"?}), docs/formats/README.md.</summary>
public static class CommandCbor
{
    public static byte[] Encode(string id, string op)
    {
        var w = new CborWriter(CborConformanceMode.Canonical);
        w.WriteStartMap(2);
        w.WriteTextString("id");
        w.WriteTextString(id);
        w.WriteTextString("op");
        w.WriteTextString(op);
        w.WriteEndMap();
        return w.Encode();
    }

    /// <summary>Null if the ack is malformed (it is then ignored: the command expires instead).</summary>
    public static (string Id, bool Ok, string? Error)? DecodeAck(byte[] payload)
    {
        try
        {
            var r = new CborReader(payload, CborConformanceMode.Lax);
            int? pairs = r.ReadStartMap();
            if (pairs is null or > 8) return null;
            string? id = null, error = null;
            bool? ok = null;
            for (int i = 0; i < pairs; i++)
            {
                string key = r.ReadTextString();
                switch (key)
                {
                    case "id": id = r.ReadTextString(); break;
                    case "ok": ok = r.ReadBoolean(); break;
                    case "err": error = r.ReadTextString(); break;
                    default: r.SkipValue(); break;
                }
            }
            r.ReadEndMap();
            if (id is not { Length: > 0 and <= 64 } || ok is null) return null;
            return (id, ok.Value, error is null ? null : error.Length <= 200 ? error : error[..200]);
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
