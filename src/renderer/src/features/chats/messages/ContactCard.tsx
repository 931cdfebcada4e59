import type { ContactInfo } from '../../../../../shared/message-extra';
import { Avatar } from '../../../ui/Avatar';

/** A shared contact: who, and the numbers and addresses the card carries. */
export function ContactCard({ contact }: { contact: ContactInfo }) {
  return (
    <div className="contact">
      <div className="contact-head">
        <Avatar name={contact.name} size="md" />
        <div className="contact-who">
          <div className="contact-name" dir="auto">
            {contact.name}
          </div>
          {contact.organization && (
            <div className="contact-org" dir="auto">
              {contact.organization}
            </div>
          )}
        </div>
      </div>
      {(contact.phones.length > 0 || contact.emails.length > 0) && (
        <dl className="contact-lines">
          {contact.phones.map((p, i) => (
            <div key={`p${i}`} className="contact-line">
              <dt>{p.label ?? 'phone'}</dt>
              <dd dir="ltr">{p.number}</dd>
            </div>
          ))}
          {contact.emails.map((e, i) => (
            <div key={`e${i}`} className="contact-line">
              <dt>e-mail</dt>
              <dd dir="ltr">{e}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
