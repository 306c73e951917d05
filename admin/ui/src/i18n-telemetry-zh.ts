/** 遥测与提示词日志的简体中文文本（i18n-zh.ts 的一部分）。 */
import type { enTelemetry } from './i18n-telemetry-en.js';

/** 遥测文本，与 enTelemetry 逐键对应。 */
export const zhTelemetry: Record<keyof typeof enTelemetry, string> = {
  'promptLog.bannerTitle': '提示词日志已开启',
  'promptLog.bannerBody':
    '{who}的提示词与补全内容会在脱敏后写入 DATA_DIR/prompt-log，最多保留 {days} 天或 {mib} MiB。不再需要时，请在“设置”中的 server.telemetry.promptLog 关闭。',
  'promptLog.keys': '密钥 {ids}',
  'promptLog.models': '模型 {ids}',
  'promptLog.and': '和',
  'promptLog.nothing': '（尚未指定密钥或模型）',
  'promptLog.badge': '记录提示词',
  'promptLog.badgeTitle': '此{what}的提示词与补全内容会写入提示词日志',
  'promptLog.key': '密钥',
  'promptLog.model': '模型',
};
