import { exec } from 'child_process';
import * as fs from 'fs';
import axios from 'axios';
import { APIGatewayProxyEvent } from 'aws-lambda';

const ALLOWED: string[] = ['a', 'b'];

function quoteName(n: string): string {
  return n.replace(/[\r\n]/g, '');
}

export const handler = async (event: APIGatewayProxyEvent, context: unknown) => {
  const name: string = event.queryStringParameters!.name as string;
  const cmd = `ls ${name}`;
  exec(cmd); // expect: CWE-78
  exec('ls'); // safe: CWE-78
  fs.readFileSync(`/data/${name}`); // expect: CWE-22
  fs.readFileSync('/data/fixed'); // safe: CWE-22
  await axios.get(name); // expect: CWE-918
  if (!ALLOWED.includes(name)) return { statusCode: 400 };
  await axios.get(name); // safe: CWE-918
  eval(name); // safe: CWE-94
  console.log('user ' + quoteName(event.body as string)); // safe: CWE-117
  console.log('user ' + event.body); // expect: CWE-117
  return { statusCode: 200, body: '' };
};
