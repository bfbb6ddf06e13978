// esptool-js (Espressif's JavaScript implementation of the serial loader protocol, a host nodectl did not write)
// drives the simulated ESP32 ROM loader through the commands esptool offers. See README.md.
//
// usage: node script.mjs rfc2217://HOST:PORT <scenario> [options] [operands]
//   identify                                    chip, description, crystal, MAC, flash id
//   write [--plain] [--packet-size N] OFFSET:FILE...   writeFlash (compressed unless --plain), then MD5 of each
//   verify OFFSET:FILE...                       flashMd5sum of each region against the file
//   read OFFSET:LENGTH[:FILE]...                READ_FLASH_SLOW; FILE receives the bytes
//   erase OFFSET:LENGTH...                      flashBegin(LENGTH, OFFSET) without data
//   ram [--entry ADDRESS] ADDRESS:FILE...       memBegin/memBlock, READ_REG read-back, memFinish(entry)
//   hard-reset                                  after("hard_reset"); reports the DTR/RTS it leaves
//   baud --baud N [--compensate] [OFFSET:FILE...]   changeBaud() (or esptool's ESP32 ROM compensation), then a
//                                               compressed write at the new rate
// Prints one JSON line { scenario, ... } as its last line; exit 0 when the scenario ran (a ROM refusal it
// measures is part of its report), 1 when esptool-js failed outside it, 2 on bad usage. DEBUGLOG=1 adds
// esptool-js's log on stderr.
import { openSession } from "./lib/session.mjs";
import * as scenarios from "./lib/scenarios.mjs";

const USAGE = "usage: node script.mjs rfc2217://HOST:PORT <identify|write|verify|read|erase|ram|hard-reset|baud> [options] [operands]";

function parseArguments(argv) {
  const [port, scenario, ...rest] = argv;
  const options = { plain: false, packetSize: null, entry: 0, baud: null, compensate: false };
  const operands = [];
  for (let i = 0; i < rest.length; i++) {
    switch (rest[i]) {
      case "--plain":
        options.plain = true;
        break;
      case "--packet-size":
        options.packetSize = Number(rest[++i]);
        break;
      case "--entry":
        options.entry = Number(rest[++i]);
        break;
      case "--baud":
        options.baud = Number(rest[++i]);
        break;
      case "--compensate":
        options.compensate = true;
        break;
      default:
        operands.push(rest[i]);
    }
  }

  return { port, scenario, options, operands };
}

/** What each scenario needs from its arguments, and whether it works on the flash (SPI attach and parameters). */
const SCENARIOS = {
  identify: { flash: false, run: (s) => scenarios.identify(s) },
  write: {
    needsOperands: true,
    run: (s, o, args) => scenarios.write(s, { compress: !o.plain, images: args.map(scenarios.parseImage) }),
  },
  verify: { needsOperands: true, run: (s, o, args) => scenarios.verify(s, { images: args.map(scenarios.parseImage) }) },
  read: { needsOperands: true, run: (s, o, args) => scenarios.read(s, { regions: args.map(scenarios.parseRegion) }) },
  erase: { needsOperands: true, run: (s, o, args) => scenarios.erase(s, { regions: args.map(scenarios.parseRegion) }) },
  ram: {
    flash: false,
    needsOperands: true,
    run: (s, o, args) => scenarios.loadRam(s, { segments: args.map(scenarios.parseImage), entry: o.entry }),
  },
  "hard-reset": { flash: false, run: (s) => scenarios.hardReset(s) },
  baud: {
    run: (s, o, args) =>
      scenarios.changeBaud(s, { baud: o.baud, compensate: o.compensate, images: args.map(scenarios.parseImage) }),
  },
};

const { port, scenario, options, operands } = parseArguments(process.argv.slice(2));
const chosen = SCENARIOS[scenario];
if (!port || !chosen || (chosen.needsOperands && operands.length === 0) || (scenario === "baud" && !options.baud)) {
  console.error(USAGE);
  process.exit(2);
}

let session;
try {
  session = await openSession(port, { flash: chosen.flash ?? true, packetSize: options.packetSize });
  const result = await chosen.run(session, options, operands);
  if (process.env.DEBUGLOG) console.error(session.log.join("\n"));
  await session.close();
  // last, because esptool-js's Transport prints "TRACE ..." lines on stdout even with tracing off
  console.log(JSON.stringify({ scenario, ...result }));
  process.exit(0);
} catch (e) {
  console.error(`esptool-js failed: ${e?.message ?? e}`);
  console.error((session?.log ?? e?.esptoolLog ?? []).slice(-20).join("\n"));
  process.exit(1);
}
