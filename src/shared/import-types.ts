/** What the Import page shows before importing: plain data from the importers' preview. */
export interface ImportPreviewView {
  grantId: string;
  fileName: string;
  format:
    'whatsapp-export' | 'whatsapp-crypt' | 'whatsapp-ios' | 'telegram-json' | 'signal-android';
  description: string;
  chats: { key: string; title: string; type: 'direct' | 'group'; messages: number }[];
  messages: number;
  media: { count: number; included: number; bytes: number };
  dateRange: { first: number; last: number } | null;
  participants: string[];
  suggestedOwner: string | null;
  needs: { owner: boolean; key: boolean };
  warnings: string[];
}
