#!/usr/bin/env python3
"""Writes yum updateinfo.xml files from the real Amazon Linux advisories in
/work/shared/data/fixtures/amazon (aquasecurity/vuln-list JSON, itself derived
from ALAS updateinfo.xml). The element and attribute layout follows the
updateinfo format as createrepo_c documents it (doc/updateinfo.md:
<updates><update from status type version><id/><title/><issued date/>
<updated date/><severity/><description/><references><reference href id
title type/></references><pkglist><collection short><name/><package name
epoch version release arch><filename/></package></collection></pkglist>
</update></updates>). Run once; the output is committed."""
import json, sys
from xml.sax.saxutils import escape, quoteattr

def update(d, collection):
    out = ['  <update from="alas@amazon.com" status="final" type="security" version="2.0">']
    out.append('    <id>%s</id>' % escape(d['id']))
    out.append('    <title>%s</title>' % escape(d['title']))
    out.append('    <issued date=%s/>' % quoteattr(d['issued']['date']))
    out.append('    <updated date=%s/>' % quoteattr(d['updated']['date']))
    out.append('    <severity>%s</severity>' % escape(d['severity']))
    out.append('    <description>%s</description>' % escape(d['description']))
    out.append('    <references>')
    for r in d.get('references') or []:
        out.append('      <reference href=%s id=%s title=%s type=%s/>' % (
            quoteattr(r['href']), quoteattr(r['id']), quoteattr(r['id']), quoteattr(r['type'])))
    out.append('    </references>')
    out.append('    <pkglist>')
    out.append('      <collection short=%s>' % quoteattr(collection))
    out.append('        <name>%s</name>' % escape(collection))
    for p in d['packages']:
        out.append('        <package name=%s epoch=%s version=%s release=%s arch=%s>' % tuple(
            quoteattr(p[k]) for k in ('name', 'epoch', 'version', 'release', 'arch')))
        out.append('          <filename>%s</filename>' % escape(p['filename']))
        out.append('        </package>')
    out.append('      </collection>')
    out.append('    </pkglist>')
    out.append('  </update>')
    return '\n'.join(out)

src = sys.argv[1]
for name, ids, coll in (('amzn2-updateinfo.xml', ['ALAS2-2018-939', 'ALAS2-2018-951', 'ALAS2-2018-1002'], 'amazon-linux-2'),
                        ('al2023-updateinfo.xml', ['ALAS2023-2023-002', 'ALAS2023-2023-003'], 'amazon-linux-2023')):
    body = [update(json.load(open('%s/%s.json' % (src, i))), coll) for i in ids]
    with open(name, 'w') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<updates>\n' + '\n'.join(body) + '\n</updates>\n')
