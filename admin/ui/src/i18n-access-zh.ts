/** 审核步骤中的访问影响提示与暂存变更横幅的简体中文文本（i18n-zh.ts 的一部分）。 */
import type { enAccess } from './i18n-access-en.js';

/** 访问相关文本，与 enAccess 逐键对应。 */
export const zhAccess: Record<keyof typeof enAccess, string> = {
  'access.title': '此更改对访问的影响',
  'access.domainsAdded': '网关将通过 {names} 提供服务。需要先为其签发证书；在此之前当前地址仍可使用。',
  'access.caChanged': '{names} 的证书将改由另一个 CA 签发；在新证书签发之前，现有证书继续使用。',
  'access.adminMoves': '此更改之后，管理界面的地址为 {url}；更改提交后，当前地址（{current}）将无法使用。',
  'access.domainsRemoved': '更改提交后，将不再为 {names} 提供服务。',
  'access.portConfirm': 'HTTPS 将改用端口 {port}。请打开新地址并在那里确认（或在此确认）；若未确认，更改会自动撤销。',
  'access.httpPortMoves': '普通 HTTP（跳转到 HTTPS）的端口从 {from} 改为 {to}。',
  'access.staged': '此更改为暂存状态：提交之前新旧地址都可使用；若未按时提交，会自动撤销。',
  'access.adminOff': '管理登录将被关闭：之后无法再通过 Caddy 访问管理界面，只能在服务器本机（127.0.0.1）访问。',
  'access.userChanged': '管理用户将改为“{user}”：浏览器会要求重新登录。',
  'access.passwordChanged': '管理密码将更改：浏览器会要求重新登录。',

  'staged.title': '有一项域名、TLS 或端口更改处于暂存状态',
  'staged.waitingCert': '正在等待 {host} 的证书。',
  'staged.certIssued': '{host} 的证书已签发。',
  'staged.certError': '尚未成功：{error}',
  'staged.waitingConfirm': 'HTTPS 正从端口 {from} 改为 {to}：请打开 {url} 并在那里确认。',
  'staged.countdown': '若未提交，将在 {time} 后自动撤销。',
  'staged.confirm': '确认此更改',
  'staged.confirmHelp': '按当前状态提交更改，即使没有证书：之后旧地址将无法使用。',
  'staged.cancel': '立即撤销',
  'staged.committed': '暂存的更改已提交。',
  'staged.rolledBack': '暂存的更改已撤销。',
  'staged.reason.issued': '所有新证书均已签发。',
  'staged.reason.confirmed': '您已确认。',
  'staged.reason.confirmed_from_new_address': '您已在新地址上确认。',
  'staged.reason.cancelled': '您已撤销。',
  'staged.reason.timed_out': '未能按时提交（仍缺少：{missing}），因此已自动撤销。',
  'staged.reason.commit_failed': '提交失败，已恢复之前的设置：{detail}',
  'staged.reason.not_applied': '无法应用暂存的配置。',
  'staged.nothingMissing': '您的确认',
  'staged.dismiss': '关闭',
  'staged.applied': '已暂存：即使新地址无法使用也不会丢失访问。请查看顶部的横幅。',
};
