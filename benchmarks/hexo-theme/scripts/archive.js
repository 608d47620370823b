/* global hexo */
'use strict';

// Replaces hexo-generator-archive, which also pages through all posts at /archives/ and
// per year: newsdesk makes month pages and one archive index, so Hexo does the same here.
const pagination = require('hexo-pagination');

hexo.extend.generator.register('archive', function(locals) {
  const { config } = this;
  const dir = config.archive_dir.replace(/\/?$/, '/');
  const { per_page: perPage, order_by: orderBy } = config.archive_generator;
  const { Query } = this.model('Post');
  const months = new Map(); // "YYYY/MM" -> posts, newest first
  locals.posts.sort(orderBy || '-date').forEach(post => {
    const key = post.date.format('YYYY/MM');
    if (!months.has(key)) months.set(key, []);
    months.get(key).push(post);
  });
  const result = [];
  const years = new Map(); // year -> [label, path, count]
  for (const [key, posts] of months) {
    const [year, month] = key.split('/').map(Number);
    const path = `${dir}${key}/`;
    if (!years.has(year)) years.set(year, []);
    years.get(year).push([`${month} 月`, path, posts.length]);
    result.push(...pagination(path, new Query(posts), {
      perPage,
      layout: ['archive', 'index'],
      format: `${config.pagination_dir || 'page'}/%d/`,
      data: { archive: true, year, month }
    }));
  }
  if (result.length) {
    result.push({ path: dir, layout: ['archive', 'index'], data: { archive: true, years: [...years] } });
  }
  return result;
});
