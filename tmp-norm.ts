import { normalise } from './src/detection/domain/normalise';
import { readFileSync } from 'fs';
for (const line of readFileSync('/work/main/data/holdout/posts.ndjson', 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const p = JSON.parse(line);
  if (process.argv[2] && !p.id.match(process.argv[2])) continue;
  console.log(p.id, '|', normalise(p.text).text);
}
