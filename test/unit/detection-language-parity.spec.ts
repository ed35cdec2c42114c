import { francRank, routeModels, ROUTE_LANGUAGES } from '../../src/detection/domain/language';

// franc@5 is CommonJS without types: require() returns the function with `.all` attached.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const franc = require('franc') as { all: (text: string, o: { only: string[]; minLength?: number }) => Array<[string, number]> };

/** Our re-coded franc ranking must give exactly what franc gives for the same words and languages. */
describe('francRank agrees with franc@5', () => {
  const cases: Array<[string, string]> = [
    ['Latin', 'We are looking for volunteers to help at the food distribution this weekend'],
    ['Latin', 'Passage garanti vers l Italie, départ samedi, prix à négocier en privé'],
    ['Latin', 'Cruce seguro a Estados Unidos, pagas al llegar, viajes cada semana'],
    ['Latin', 'Yunanistan a güvenli geçiş, ödeme varışta, her hafta'],
    ['Latin', 'Kalim per ne Angli me gomone, cmimi i arsyeshem'],
    ['Latin', 'Sichere Überfahrt nach Deutschland, Zahlung bei Ankunft'],
    ['Arabic', 'رحلة من ليبيا الى ايطاليا والدفع بعد الوصول'],
    ['Arabic', 'عبور از مرز ترکیه به یونان با قایق کاملا تضمینی'],
    ['Ethiopic', 'ናብ ኢጣልያ ብጀልባ ምግሻዝ ንኸይድ'],
  ];
  it.each(cases)('%s: %s', (script, text) => {
    const models = routeModels(script);
    const only = [...models.langs];
    expect(only.every((l) => ROUTE_LANGUAGES.includes(l))).toBe(true);
    const ours = francRank(text, models);
    const theirs = franc.all(text, { only, minLength: 1 });
    expect(ours.map((r) => r[0])).toEqual(theirs.map((r) => r[0]));
    ours.forEach((r, i) => expect(r[1]).toBeCloseTo(theirs[i]?.[1] ?? -1, 10));
  });
});
